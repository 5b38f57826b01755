#include "host_exporter/family.h"

#include <cstdint>
#include <cstring>
#include <functional>
#include <mutex>
#include <unordered_map>

#include "host_exporter/string_map.h"

namespace host_exporter {

namespace {

// The families handed back by RecycleFamilies, one per name.
struct Recycled {
  prometheus::MetricFamily family;
  bool full = false;
  uint64_t handed = 0;  // the call of RecycleFamilies that last filled it
};

struct Pool {
  std::mutex mu;
  StringMap<Recycled> by_name;
  uint64_t calls = 0;
};

// Never destroyed: a snapshot may be freed after static destructors ran.
Pool& ThePool() {
  static Pool* pool = new Pool;
  return *pool;
}

// Moves the recycled family called `name` into *out, if the pool has one.
void TakeRecycled(std::string_view name, prometheus::MetricFamily* out) {
  Pool& pool = ThePool();
  std::lock_guard<std::mutex> lock(pool.mu);
  auto it = pool.by_name.find(name);
  if (it == pool.by_name.end() || !it->second.full) return;
  *out = std::move(it->second.family);
  it->second.full = false;
}

// Zeroes a recycled series' values; a summary's quantiles and a
// histogram's buckets are cleared only if it has some (assigning `{}` would
// build and move an empty one each time).
void ResetValues(prometheus::ClientMetric* m) {
  m->counter.value = 0;
  m->gauge.value = 0;
  m->untyped.value = 0;
  m->timestamp_ms = 0;
  auto& s = m->summary;
  s.sample_count = 0;
  s.sample_sum = 0;
  if (!s.quantile.empty()) s.quantile.clear();
  auto& h = m->histogram;
  h.sample_count = 0;
  h.sample_sum = 0;
  if (!h.bucket.empty()) h.bucket.clear();
}

// The labels of a series set to `labels`, in their order, assigned into
// the strings the series already has.
template <typename L>
void AssignLabels(const L& labels, prometheus::ClientMetric* m) {
  m->label.resize(labels.size());
  size_t i = 0;
  for (const auto& [name, value] : labels) {
    m->label[i].name.assign(name);
    m->label[i].value.assign(value);
    ++i;
  }
}

void SetValue(prometheus::MetricType type, double value,
              prometheus::ClientMetric* m) {
  switch (type) {
    case prometheus::MetricType::Counter:
      m->counter.value = value;
      break;
    case prometheus::MetricType::Gauge:
      m->gauge.value = value;
      break;
    default:
      m->untyped.value = value;
      break;
  }
}

}  // namespace

FamilyBuilder::FamilyBuilder(std::string_view name, std::string_view help,
                             prometheus::MetricType t) {
  if (!name.empty()) TakeRecycled(name, &family_);
  family_.name.assign(name);
  family_.help.assign(help);
  family_.type = t;
}

FamilyBuilder::FamilyBuilder(std::string_view name, std::string_view help,
                             prometheus::MetricType t,
                             prometheus::MetricFamily&& recycled)
    : family_(std::move(recycled)) {
  family_.name.assign(name);
  family_.help.assign(help);
  family_.type = t;
}

prometheus::ClientMetric& FamilyBuilder::Next() {
  if (used_ < family_.metric.size()) {
    prometheus::ClientMetric& m = family_.metric[used_++];
    ResetValues(&m);
    return m;
  }
  ++used_;
  return family_.metric.emplace_back();
}

FamilyBuilder& FamilyBuilder::Add(const Labels& labels, double value) {
  prometheus::ClientMetric& m = Next();
  AssignLabels(labels, &m);
  SetValue(family_.type, value, &m);
  return *this;
}

FamilyBuilder& FamilyBuilder::Add(Labels&& labels, double value) {
  prometheus::ClientMetric& m = Next();
  m.label.resize(labels.size());
  for (size_t i = 0; i < labels.size(); ++i) {
    m.label[i].name = std::move(labels[i].first);
    m.label[i].value = std::move(labels[i].second);
  }
  SetValue(family_.type, value, &m);
  return *this;
}

FamilyBuilder& FamilyBuilder::Add(LabelViews labels, double value) {
  prometheus::ClientMetric& m = Next();
  AssignLabels(labels, &m);
  SetValue(family_.type, value, &m);
  return *this;
}

FamilyBuilder& FamilyBuilder::AddViews(std::span<const LabelView> labels,
                                       double value) {
  prometheus::ClientMetric& m = Next();
  AssignLabels(labels, &m);
  SetValue(family_.type, value, &m);
  return *this;
}

prometheus::MetricFamily FamilyBuilder::Take() {
  family_.metric.erase(
      family_.metric.begin() + static_cast<std::ptrdiff_t>(used_),
      family_.metric.end());
  used_ = 0;
  return std::move(family_);
}

void RecycleFamilies(Families&& families) {
  Pool& pool = ThePool();
  {
    std::lock_guard<std::mutex> lock(pool.mu);
    const uint64_t call = ++pool.calls;
    for (auto& f : families) {
      if (f.name.empty()) continue;
      auto it = pool.by_name.find(f.name);
      if (it == pool.by_name.end()) {
        if (pool.by_name.size() >= kMaxRecycledFamilies) continue;
        it = pool.by_name.try_emplace(f.name).first;
      }
      // A family not taken since it was handed back is swapped out and
      // freed with `families`, outside the lock.
      std::swap(it->second.family, f);
      it->second.full = true;
      it->second.handed = call;
    }
    // A name not handed back for two calls is gone (a device removed, a
    // textfile changed): its family and entry are freed.
    std::erase_if(pool.by_name, [&](const auto& entry) {
      return entry.second.handed + 2 < call;
    });
  }
  families.clear();
}

namespace {
thread_local FamilyPool* current_pool = nullptr;
}  // namespace

FamilyPool::~FamilyPool() {
  delete returned_.load();
  delete spare_.load();
}

Families* FamilyPool::Batch() {
  Families* batch = spare_.exchange(nullptr, std::memory_order_acq_rel);
  return batch ? batch : new Families;
}

void FamilyPool::HandBack(Families* batch) {
  Families* old = returned_.exchange(batch, std::memory_order_acq_rel);
  delete old;  // handed back before and not taken: freed
}

FamilyPool::Scope::Scope(FamilyPool* pool)
    : pool_(pool), previous_(current_pool) {
  current_pool = pool;
  if (pool) {
    pool->taking_ =
        pool->returned_.exchange(nullptr, std::memory_order_acq_rel);
  }
}

FamilyPool::Scope::~Scope() {
  current_pool = previous_;
  if (!pool_) return;
  pool_->kept_.claimed = false;
  Families* batch = pool_->taking_;
  pool_->taking_ = nullptr;
  if (!batch) return;
  batch->clear();  // the families not taken are freed; the vector is kept
  delete pool_->spare_.exchange(batch, std::memory_order_acq_rel);
}

FamilyPool* FamilyPool::Current() { return current_pool; }

bool FamilyPool::Take(size_t position, std::string_view name,
                      prometheus::MetricFamily* out) {
  if (!taking_ || position >= taking_->size()) return false;
  prometheus::MetricFamily& f = (*taking_)[position];
  if (f.name.size() != name.size() ||
      std::memcmp(f.name.data(), name.data(), name.size()) != 0) {
    return false;
  }
  *out = std::move(f);
  return true;
}

size_t RecycledFamilies() {
  Pool& pool = ThePool();
  std::lock_guard<std::mutex> lock(pool.mu);
  size_t n = 0;
  for (const auto& [name, r] : pool.by_name) n += r.full ? 1 : 0;
  return n;
}

double SeriesValue(const prometheus::MetricFamily& family,
                   const prometheus::ClientMetric& metric) {
  switch (family.type) {
    case prometheus::MetricType::Counter:
      return metric.counter.value;
    case prometheus::MetricType::Gauge:
      return metric.gauge.value;
    case prometheus::MetricType::Untyped:
      return metric.untyped.value;
    default:
      return 0;
  }
}

const prometheus::MetricFamily* FindFamily(const Families& families,
                                           std::string_view name) {
  for (const auto& f : families) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

}  // namespace host_exporter
