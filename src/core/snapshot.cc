#include "host_exporter/snapshot.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <numeric>
#include <unordered_map>
#include <unordered_set>

#include "host_exporter/encoder.h"
#include "host_exporter/family.h"
#include "parse/parse_util.h"
#include "parse/utf8.h"

namespace host_exporter {
namespace {

using Label = prometheus::ClientMetric::Label;

constexpr std::string_view kCreated = kCreatedLabel;

std::string SeriesName(const std::string& family,
                       const std::vector<Label>& labels) {
  std::string s = family + "{";
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i) s += ",";
    s += labels[i].name + "=\"" + labels[i].value + "\"";
  }
  return s + "}";
}

// The order of Label's and std::vector<Label>'s operator<, with one
// comparison per string (operator< compares each pair of names twice).
int CompareLabel(const Label& a, const Label& b) {
  if (const int c = a.name.compare(b.name)) return c;
  return a.value.compare(b.value);
}
int CompareLabels(const std::vector<Label>& a, const std::vector<Label>& b) {
  const size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    if (const int c = CompareLabel(a[i], b[i])) return c;
  }
  return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
}

// Sorts a series' labels by name then value: an insertion sort comparing
// each pair once (a series has a few labels, mostly in order already).
void SortLabels(std::vector<Label>* labels) {
  auto& l = *labels;
  if (l.size() > 16) {
    if (!std::is_sorted(l.begin(), l.end())) std::sort(l.begin(), l.end());
    return;
  }
  for (size_t i = 1; i < l.size(); ++i) {
    if (CompareLabel(l[i - 1], l[i]) <= 0) continue;
    Label moved = std::move(l[i]);
    size_t j = i;
    for (; j > 0 && CompareLabel(l[j - 1], moved) > 0; --j) {
      l[j] = std::move(l[j - 1]);
    }
    l[j] = std::move(moved);
  }
}

enum class SeriesOrder { kUnsorted, kSorted, kDistinct };

// Whether the series are sorted by labels (kSorted), with no two equal
// (kDistinct): one pass.
SeriesOrder OrderOf(const std::vector<prometheus::ClientMetric>& metric) {
  SeriesOrder order = SeriesOrder::kDistinct;
  for (size_t i = 1; i < metric.size(); ++i) {
    const int c = CompareLabels(metric[i - 1].label, metric[i].label);
    if (c > 0) return SeriesOrder::kUnsorted;
    if (c == 0) order = SeriesOrder::kSorted;
  }
  return order;
}

// Reorders *metric so that series i is the one that was at perm[i].
void Permute(const std::vector<uint32_t>& perm,
             std::vector<prometheus::ClientMetric>* metric,
             std::vector<prometheus::ClientMetric>* scratch) {
  scratch->resize(metric->size());
  for (size_t i = 0; i < perm.size(); ++i) {
    (*scratch)[i] = std::move((*metric)[perm[i]]);
  }
  metric->swap(*scratch);  // both keep their capacity for the next family
}

// Sorts a family's series by labels, stably, trying first the order
// `orders` kept for `name` (see SeriesOrders); returns the order reached.
SeriesOrder SortSeries(std::vector<prometheus::ClientMetric>* metric,
                       SeriesOrders* orders, const std::string& name) {
  const SeriesOrder order = OrderOf(*metric);
  if (order != SeriesOrder::kUnsorted) return order;
  SeriesOrders::Order* kept = nullptr;
  if (orders) {
    kept = &orders->by_family[name];
    kept->build = orders->builds;
    if (kept->perm.size() == metric->size()) {
      Permute(kept->perm, metric, &orders->scratch);
      // Distinct series have one sorted order, which a stable sort gives
      // too; equal ones need the stable sort (the first one added stays).
      if (OrderOf(*metric) == SeriesOrder::kDistinct) {
        return SeriesOrder::kDistinct;
      }
      // Not last time's order: put back in the collector's, then sorted.
      std::vector<uint32_t>& back = orders->index;
      back.resize(metric->size());
      for (size_t i = 0; i < back.size(); ++i) back[kept->perm[i]] = i;
      Permute(back, metric, &orders->scratch);
    }
  }
  std::vector<uint32_t> local;
  std::vector<uint32_t>& index = kept ? kept->perm : local;
  index.resize(metric->size());
  for (size_t i = 0; i < index.size(); ++i) index[i] = i;
  std::stable_sort(index.begin(), index.end(), [&](uint32_t a, uint32_t b) {
    return CompareLabels((*metric)[a].label, (*metric)[b].label) < 0;
  });
  std::vector<prometheus::ClientMetric> own;
  Permute(index, metric, orders ? &orders->scratch : &own);
  return OrderOf(*metric);
}

// Taken before SortAndDedup and looked up after it: the label values made
// valid UTF-8 the same way in both.
std::string CreatedKey(const std::string& family, std::vector<Label> labels) {
  for (auto& l : labels) MakeValidUtf8(&l.value);
  std::sort(labels.begin(), labels.end());
  std::string key = family;
  for (const auto& l : labels) {
    key.push_back('\xff');  // never in valid UTF-8
    key.append(l.name).push_back('\xff');
    key.append(l.value);
  }
  return key;
}

// The created times of a destroyed snapshot, kept for the next one to fill:
// its vectors keep their capacity, so a steady cycle allocates none for its
// counter families. One is kept; another handed back while it is is freed.
struct SpareCreated {
  std::mutex mu;
  CreatedTimes times;
};
// Never destroyed: a snapshot may be freed after static destructors ran.
SpareCreated& Spare() {
  static SpareCreated* spare = new SpareCreated;
  return *spare;
}

CreatedTimes TakeSpareCreated() {
  CreatedTimes out;
  SpareCreated& spare = Spare();
  std::lock_guard<std::mutex> lock(spare.mu);
  out.swap(spare.times);
  return out;
}

void HandBackCreated(CreatedTimes* times) {
  if (times->empty()) return;
  SpareCreated& spare = Spare();
  std::lock_guard<std::mutex> lock(spare.mu);
  if (spare.times.empty()) spare.times.swap(*times);
}

void FillCreated(Snapshot* snap, const SnapshotOptions& options,
                 const std::unordered_map<std::string, double>& told,
                 const std::unordered_set<std::string>& told_families,
                 const std::unordered_set<std::string>& own_families) {
  snap->created = TakeSpareCreated();
  snap->created.resize(snap->families.size());
  for (size_t i = 0; i < snap->families.size(); ++i) {
    const auto& f = snap->families[i];
    if (f.type == prometheus::MetricType::Gauge ||
        f.type == prometheus::MetricType::Untyped) {
      snap->created[i].clear();  // a recycled vector's times are not its
      continue;
    }
    const double base = own_families.contains(f.name) ? options.process_start
                                                      : options.boot_time;
    auto& c = snap->created[i];
    c.assign(f.metric.size(), base);
    if (!told_families.contains(f.name)) continue;
    for (size_t j = 0; j < f.metric.size(); ++j) {
      auto it = told.find(CreatedKey(f.name, f.metric[j].label));
      if (it != told.end()) c[j] = it->second;
    }
  }
}

}  // namespace

bool MakeValidUtf8(std::string* s) {
  // ASCII, nearly every string here, is valid as it is: checked eight bytes
  // at a time, the high bits of all of them or'ed.
  {
    const char* p = s->data();
    const size_t n = s->size();
    uint64_t high = 0;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
      uint64_t word;
      std::memcpy(&word, p + i, 8);
      high |= word;
    }
    for (; i < n; ++i) high |= static_cast<unsigned char>(p[i]);
    if ((high & 0x8080808080808080u) == 0) return false;
  }
  size_t i = 0;
  while (i < s->size()) {
    size_t n = parse::ValidRuneLength(std::string_view(*s).substr(i));
    if (n == 0) break;
    i += n;
  }
  if (i == s->size()) return false;
  std::string out = s->substr(0, i);
  while (i < s->size()) {
    size_t n = parse::ValidRuneLength(std::string_view(*s).substr(i));
    if (n == 0) {
      out.append("\xEF\xBF\xBD");  // U+FFFD REPLACEMENT CHARACTER
      ++i;
    } else {
      out.append(*s, i, n);
      i += n;
    }
  }
  *s = std::move(out);
  return true;
}

void SortAndDedup(Families* families, std::vector<std::string>* warnings,
                  SeriesOrders* orders) {
  if (orders) {
    const uint64_t build = ++orders->builds;
    std::erase_if(orders->by_family, [&](const auto& entry) {
      return entry.second.build + 2 < build;
    });
  }
  for (auto& f : *families) {
    // Prometheus rejects a whole scrape with invalid UTF-8 in HELP or a
    // label value; a kernel or textfile string can hold any bytes.
    bool replaced = MakeValidUtf8(&f.help);
    for (auto& m : f.metric) {
      for (auto& l : m.label) replaced = MakeValidUtf8(&l.value) || replaced;
    }
    if (replaced && warnings) {
      warnings->push_back("invalid UTF-8 replaced by U+FFFD in " + f.name);
    }
    // Collectors mostly add in order already: checked before sorting (a
    // stable sort allocates its buffer even for sorted input), in one pass
    // that also tells whether any neighbours are equal (duplicates).
    for (auto& m : f.metric) SortLabels(&m.label);
    const SeriesOrder order = SortSeries(&f.metric, orders, f.name);
    if (order == SeriesOrder::kDistinct) continue;
    auto dup = std::unique(
        f.metric.begin(), f.metric.end(), [&](const auto& a, const auto& b) {
          if (CompareLabels(a.label, b.label) != 0) return false;
          if (warnings) {
            warnings->push_back("duplicate series dropped: " +
                                SeriesName(f.name, b.label));
          }
          return true;
        });
    f.metric.erase(dup, f.metric.end());
  }
  auto by_name = [](const auto& a, const auto& b) { return a.name < b.name; };
  if (!std::is_sorted(families->begin(), families->end(), by_name)) {
    std::stable_sort(families->begin(), families->end(), by_name);
  }
}

std::shared_ptr<const Snapshot> BuildSnapshot(
    std::vector<CollectorResult> results, Families extra,
    const SnapshotOptions& options, double timestamp, uint64_t cycle,
    std::vector<std::string>* warnings) {
  auto snap = std::make_shared<Snapshot>();
  snap->timestamp = timestamp;
  snap->cycle = cycle;

  // Every family, in collector order, each with the collector it came from.
  // Sorted by name (stably, so the first collector to define a name owns
  // its type and HELP), then merged: cheaper than a map keyed by name.
  struct Tagged {
    prometheus::MetricFamily family;
    const std::string* who;
    bool own;       // produced by the exporter itself, not by a collector
    uint16_t pool;  // index in snap->pools, or Snapshot::kNoPool
  };
  std::vector<Tagged> all;
  all.reserve(512);
  // Series that said when they started (kCreatedLabel), by family name and
  // sorted labels; rare (textfile only), so looked up only for their names.
  std::unordered_map<std::string, double> told;
  std::unordered_set<std::string> told_families, own_families;
  auto add = [&](const std::string& who, Families fams, bool own,
                 uint16_t pool) {
    for (auto& f : fams) {
      if (own) own_families.insert(f.name);
      for (auto& m : f.metric) {
        // Lengths first: a label name is seldom 11 bytes long, and a
        // std::string compared with a char array is a memcmp every time.
        auto it =
            std::find_if(m.label.begin(), m.label.end(), [](const Label& l) {
              return l.name.size() == kCreated.size() && l.name == kCreated;
            });
        if (it == m.label.end()) continue;
        auto v = parse::ParseDouble(it->value);
        m.label.erase(it);
        told_families.insert(f.name);
        told[CreatedKey(f.name, m.label)] = v && *v > 0 ? *v : 0;
      }
    }
    const size_t budget = options.max_series_per_collector;
    size_t used = 0;
    for (auto& f : fams) {
      if (budget) {
        const size_t room = budget - used;  // used never exceeds budget
        if (f.metric.size() > room) {
          warnings->push_back(who + ": more than " + std::to_string(budget) +
                              " series, the rest dropped");
          f.metric.resize(room);
        }
        used += f.metric.size();
      }
      all.push_back({std::move(f), &who, own, pool});
    }
  };

  snap->pools.reserve(results.size());
  FamilyBuilder duration("node_scrape_collector_duration_seconds",
                         "node_exporter: Duration of a collector scrape.",
                         prometheus::MetricType::Gauge);
  FamilyBuilder success("node_scrape_collector_success",
                        "node_exporter: Whether a collector succeeded.",
                        prometheus::MetricType::Gauge);
  for (auto& r : results) {
    const std::string& name = r.status.name;
    duration.Add({{"collector", name}}, r.status.duration_seconds);
    success.Add({{"collector", name}}, r.status.success ? 1 : 0);
    if (r.status.success) {
      uint16_t pool = Snapshot::kNoPool;
      if (r.pool && snap->pools.size() < Snapshot::kNoPool) {
        pool = static_cast<uint16_t>(snap->pools.size());
        snap->pools.push_back(std::move(r.pool));
      }
      add(name, std::move(r.families), false, pool);
    }
    snap->collectors.push_back(r.status);  // a copy: `all` points to names
  }
  const std::string self = "host_exporter", scheduler = "scheduler";
  add(self, std::move(extra), true, Snapshot::kNoPool);
  if (!duration.empty()) {
    // Moved in: a braced list would copy both families and their series.
    Families own;
    own.reserve(2);
    own.push_back(duration.Take());
    own.push_back(success.Take());
    add(scheduler, std::move(own), true, Snapshot::kNoPool);
  }

  // The exporter's own families (self-metrics, node_scrape_collector_*)
  // sort first among those of their name and own it: a collector (a
  // textfile) cannot replace or extend them.
  // Sorted as indices: a family moved per merge step is ~100 bytes, an
  // index 4; each name compared once per step.
  // The collectors output the same families each cycle: last build's order
  // (SeriesOrders::families) is checked in one pass, a stable sort's result
  // if each neighbour is in order (by name, the exporter's own first, then
  // as added), and sorted again only if not.
  std::vector<uint32_t> local;
  std::vector<uint32_t>& order =
      options.orders ? options.orders->families : local;
  auto before = [&](uint32_t x, uint32_t y) {
    const Tagged& a = all[x];
    const Tagged& b = all[y];
    if (const int c = a.family.name.compare(b.family.name)) return c < 0;
    return a.own && !b.own;
  };
  bool kept = order.size() == all.size();
  for (size_t i = 1; kept && i < order.size(); ++i) {
    const uint32_t x = order[i - 1], y = order[i];
    kept = before(x, y) || (!before(y, x) && x < y);
  }
  if (!kept) {
    order.resize(all.size());
    std::iota(order.begin(), order.end(), 0u);
    std::stable_sort(order.begin(), order.end(), before);
  }
  snap->families.reserve(all.size());
  snap->pool_of.reserve(all.size());
  for (size_t i = 0; i < order.size();) {
    Tagged& first = all[order[i]];
    prometheus::MetricFamily& owner = first.family;
    size_t j = i + 1;
    for (; j < order.size() && all[order[j]].family.name == owner.name; ++j) {
      Tagged& other = all[order[j]];
      prometheus::MetricFamily& f = other.family;
      if (first.own && !other.own) {
        warnings->push_back("family " + f.name + " from " + *other.who +
                            " dropped: the exporter's own family");
        continue;
      }
      if (f.type != owner.type) {
        warnings->push_back("family " + f.name + " from " + *other.who +
                            " dropped: already defined with another type by " +
                            *first.who);
        continue;
      }
      owner.metric.insert(owner.metric.end(),
                          std::make_move_iterator(f.metric.begin()),
                          std::make_move_iterator(f.metric.end()));
    }
    if (!owner.metric.empty()) {
      snap->families.push_back(std::move(owner));
      snap->pool_of.push_back(first.pool);
    }
    i = j;
  }
  SortAndDedup(&snap->families, warnings, options.orders);
  FillCreated(snap.get(), options, told, told_families, own_families);
  for (const auto& f : snap->families) {
    bool legacy = IsLegacyName(f.name);
    // A family's series mostly have the same label names: one equal to the
    // previous series' at its position (length, then bytes) was checked.
    const std::vector<Label>* previous = nullptr;
    for (size_t i = 0; legacy && i < f.metric.size(); ++i) {
      const std::vector<Label>& labels = f.metric[i].label;
      for (size_t k = 0; legacy && k < labels.size(); ++k) {
        const std::string& name = labels[k].name;
        if (previous && k < previous->size()) {
          const std::string& before = (*previous)[k].name;
          if (before.size() == name.size() &&
              std::memcmp(before.data(), name.data(), name.size()) == 0) {
            continue;
          }
        }
        legacy = IsLegacyName(name);
      }
      previous = &labels;
    }
    if (!legacy) {
      snap->utf8_names = true;
      break;
    }
  }
  snap->gzip_level = options.gzip_level;
  snap->openmetrics_created = options.openmetrics_created;
  snap->Make(options.make);
  return snap;
}

Snapshot::~Snapshot() {
  HandBackCreated(&created);
  if (pools.empty() || pool_of.size() != families.size()) {
    RecycleFamilies(std::move(families));
    return;
  }
  // Each collector's families, in their order (by name), back to its pool;
  // the exporter's own to the global one.
  std::vector<Families*> batches(pools.size(), nullptr);
  Families rest;
  rest.reserve(
      static_cast<size_t>(std::count(pool_of.begin(), pool_of.end(), kNoPool)));
  for (size_t i = 0; i < families.size(); ++i) {
    const uint16_t p = pool_of[i];
    if (p == kNoPool) {
      rest.push_back(std::move(families[i]));
      continue;
    }
    if (!batches[p]) batches[p] = pools[p]->Batch();
    batches[p]->push_back(std::move(families[i]));
  }
  for (size_t p = 0; p < pools.size(); ++p) {
    if (batches[p]) pools[p]->HandBack(batches[p]);
  }
  RecycleFamilies(std::move(rest));
}

const std::string& Snapshot::Encoded(Encoding encoding, Escaping escaping,
                                     bool gzip) const {
  // Without names outside the legacy charset every scheme gives one body.
  if (!utf8_names) escaping = Escaping::kUnderscores;
  served_.fetch_or(FormBit(encoding, escaping, gzip),
                   std::memory_order_relaxed);
  return Get(FormIndex(encoding, escaping, gzip));
}

uint64_t Snapshot::Made() const {
  uint64_t made = 0;
  for (size_t i = 0; i < forms_.size(); ++i) {
    if (forms_[i].made.load(std::memory_order_acquire))
      made |= uint64_t{1} << i;
  }
  return made;
}

void Snapshot::Make(uint64_t forms) const {
  for (size_t i = 0; i < forms_.size(); ++i) {
    if (!(forms & (uint64_t{1} << i))) continue;
    // A form asked of an earlier snapshot with other names: as Encoded()
    // would serve it from this one.
    const auto escaping = utf8_names ? static_cast<Escaping>(i / 2 % kEscapings)
                                     : Escaping::kUnderscores;
    Get(FormIndex(static_cast<Encoding>(i / 2 / kEscapings), escaping,
                  i % 2 == 1));
  }
}

const std::string& Snapshot::Get(size_t index) const {
  Form& form = forms_[index];
  std::call_once(form.once, [&] {
    if (index % 2 == 1) {  // gzip of the form before it
      // The plain form is kept only if it was made for itself (asked for,
      // or made with the snapshot because it was asked before): a
      // Prometheus asks for gzip only, and its plain body (58 KB here, 30
      // MB at 10,000 devices) would stay resident for nobody.
      const Form& plain = forms_[index - 1];
      if (plain.made.load(std::memory_order_acquire)) {
        form.bytes = GzipCompress(plain.bytes, gzip_level);
      } else {
        form.bytes = GzipCompress(EncodePlain(index - 1), gzip_level);
      }
    } else {
      form.bytes = EncodePlain(index);
      // The encoders size a body from an estimate (up to three times the
      // text): a kept body keeps only its bytes.
      if (form.bytes.capacity() > form.bytes.size() + form.bytes.size() / 4)
        form.bytes.shrink_to_fit();
    }
    form.made.store(true, std::memory_order_release);
  });
  return form.bytes;
}

std::string Snapshot::EncodePlain(size_t index) const {
  const auto escaping = static_cast<Escaping>(index / 2 % kEscapings);
  switch (static_cast<Encoding>(index / 2 / kEscapings)) {
    case Encoding::kText:
      return EncodeText(families, escaping, !utf8_names);
    case Encoding::kOpenMetrics:
      return EncodeOpenMetrics(families,
                               openmetrics_created ? created : CreatedTimes{},
                               escaping, !utf8_names);
    case Encoding::kProtoDelimited:
      return EncodeProtoDelimited(families, created, escaping);
  }
  return {};
}

void SnapshotStore::Publish(std::shared_ptr<const Snapshot> s) {
  {
    std::lock_guard<std::mutex> lock(current_mu_);
    current_.swap(s);
  }
  s.reset();  // the previous snapshot, freed outside the lock
  std::lock_guard<std::mutex> lock(mu_);
  cv_.notify_all();
}

std::shared_ptr<const Snapshot> SnapshotStore::WaitNewer(
    uint64_t after, const std::atomic<bool>& stop) {
  std::unique_lock<std::mutex> lock(mu_);
  std::shared_ptr<const Snapshot> s;
  cv_.wait(lock, [&] {
    s = Get();
    return stop.load() || (s && s->cycle > after);
  });
  return stop.load() ? nullptr : s;
}

void SnapshotStore::WakeAll() {
  std::lock_guard<std::mutex> lock(mu_);
  cv_.notify_all();
}

}  // namespace host_exporter
