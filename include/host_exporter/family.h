// Building one prometheus::MetricFamily. Collectors do not use this
// directly: they build their output with FamilySet (collectors/toolkit.h),
// whose family handles are FamilyBuilders. The core builds the exporter's
// own families (self-metrics, sink counters) with it.
#ifndef HOST_EXPORTER_FAMILY_H_
#define HOST_EXPORTER_FAMILY_H_

#include <prometheus/metric_family.h>

#include <atomic>
#include <deque>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace host_exporter {

/// The families one collector produced in one run, or a snapshot's merged
/// families.
using Families = std::vector<prometheus::MetricFamily>;

/// Label name/value pairs in the order given (the snapshot sorts them).
using Labels = std::vector<std::pair<std::string, std::string>>;

/// A label name/value pair viewed.
using LabelView = std::pair<std::string_view, std::string_view>;

/// Label name/value pairs viewed, for a braced list at the call site
/// (`f.Add({{"device", name}}, v)`): nothing is allocated to pass them.
using LabelViews = std::initializer_list<LabelView>;

/// Builds one family; Add() appends a series with the family's type.
///
/// A builder starts from the family of the same name that a destroyed
/// snapshot handed back (RecycleFamilies), if there is one: its series
/// vector, label vectors and strings keep their capacity, and Add() assigns
/// into them, so a steady cycle allocates nearly nothing for its series.
class FamilyBuilder {
 public:
  FamilyBuilder(std::string_view name, std::string_view help,
                prometheus::MetricType t);
  /// Starts from `recycled` (its storage; its contents are replaced), not
  /// from the global pool: a FamilySet's family of a FamilyPool.
  FamilyBuilder(std::string_view name, std::string_view help,
                prometheus::MetricType t, prometheus::MetricFamily&& recycled);

  /// Appends a series with these labels and value.
  FamilyBuilder& Add(const Labels& labels, double value);
  /// The same, moving the label strings.
  FamilyBuilder& Add(Labels&& labels, double value);
  /// The same for a braced list of string views.
  FamilyBuilder& Add(LabelViews labels, double value);
  /// The same for an array of them whose length is known only at run time
  /// (a label present in one shape of a family and not in another).
  FamilyBuilder& AddViews(std::span<const LabelView> labels, double value);
  /// Appends a series without labels.
  FamilyBuilder& Add(double value) { return Add(LabelViews{}, value); }

  bool empty() const { return used_ == 0; }
  const std::string& name() const { return family_.name; }
  const std::string& help() const { return family_.help; }
  prometheus::MetricType type() const { return family_.type; }
  /// Moves the family out; the builder is empty afterwards.
  prometheus::MetricFamily Take();

 private:
  /// The next series: a recycled one (its labels' storage kept, its values
  /// reset) or a new one.
  prometheus::ClientMetric& Next();

  prometheus::MetricFamily family_;
  size_t used_ = 0;  ///< series added; those after them are recycled ones
};

/// Hands families no longer read (a destroyed snapshot's) back for reuse
/// by the next FamilyBuilder of the same name. The pool keeps at most one
/// family per name, forgets a name not handed back for two calls and holds
/// at most kMaxRecycledFamilies names, so it never holds more than about
/// one snapshot's families: what the allocator held for them before.
void RecycleFamilies(Families&& families);
inline constexpr size_t kMaxRecycledFamilies = 16384;

/// How many families the pool holds now (for tests).
size_t RecycledFamilies();

/// The families of one collector, handed back by the snapshots that held
/// them, for that collector's next run (its FamilySet): a pool per
/// collector instead of the global one, and no lock on the way. A snapshot
/// hands back the families of each collector in one batch (HandBack(), any
/// thread: an atomic exchange); the collector's thread takes the latest
/// batch when it starts a run (Scope) and its FamilySet takes each family
/// at the position it was output last run, checked by name. Owned by the
/// scheduler's worker and by the snapshots holding its families.
class FamilyPool {
 public:
  FamilyPool() = default;
  ~FamilyPool();
  FamilyPool(const FamilyPool&) = delete;
  FamilyPool& operator=(const FamilyPool&) = delete;

  /// A vector to fill for HandBack(): the one the last run emptied, if any
  /// (no allocation in a steady cycle). Any thread.
  Families* Batch();
  /// Hands back `batch` (from Batch(); its families in the order the
  /// collector output them: by name): it replaces a batch handed back
  /// before and not taken. Any thread.
  void HandBack(Families* batch);

  /// While a Scope lives, the calling thread runs this pool's collector:
  /// its first FamilySet uses the pool (Current()), and the latest batch
  /// handed back is the one families are taken from.
  class Scope {
   public:
    explicit Scope(FamilyPool* pool);
    ~Scope();
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    FamilyPool* pool_;
    FamilyPool* previous_;
  };
  /// The pool of the collector the calling thread runs, or nullptr.
  static FamilyPool* Current();

  /// What a FamilySet keeps from one run to the next (the collector's
  /// thread only): its builders (their storage), the name of each and the
  /// builder asked for at each call of the last run, so that a collector
  /// asking in the same order as last run is answered without a lookup.
  struct Kept {
    std::deque<FamilyBuilder> builders;
    std::vector<std::string> names;  ///< builder j's name, last run
    std::vector<uint32_t> calls;     ///< call k asked for builder calls[k]
    std::vector<uint32_t> sorted;    ///< builders by name (Take's order)
    std::vector<uint32_t> output;    ///< builder j's position in Take's output
    bool claimed = false;            ///< a FamilySet of this run has it
  };
  Kept& kept() { return kept_; }

  /// The family output at `position` last run if it is called `name`
  /// (moved into *out); false otherwise. Within a Scope, its thread only.
  bool Take(size_t position, std::string_view name,
            prometheus::MetricFamily* out);

 private:
  std::atomic<Families*> returned_{nullptr};  // handed back, not taken
  std::atomic<Families*> spare_{nullptr};     // emptied, for Batch()
  Families* taking_ = nullptr;                // the batch of this run
  Kept kept_;
};

/// Shorthands for the core's own families (collectors use FamilySet's).
inline FamilyBuilder Counter(std::string_view name, std::string_view help) {
  return FamilyBuilder(name, help, prometheus::MetricType::Counter);
}
inline FamilyBuilder Gauge(std::string_view name, std::string_view help) {
  return FamilyBuilder(name, help, prometheus::MetricType::Gauge);
}
inline FamilyBuilder Untyped(std::string_view name, std::string_view help) {
  return FamilyBuilder(name, help, prometheus::MetricType::Untyped);
}

/// The value of a series regardless of its family's type (counter, gauge,
/// untyped); 0 for summaries and histograms.
double SeriesValue(const prometheus::MetricFamily& family,
                   const prometheus::ClientMetric& metric);

/// The first family called `name` in `families`, or nullptr. The one lookup
/// of a family by name (push sinks' system metrics, the landing page, tests).
const prometheus::MetricFamily* FindFamily(const Families& families,
                                           std::string_view name);

}  // namespace host_exporter

#endif  // HOST_EXPORTER_FAMILY_H_
