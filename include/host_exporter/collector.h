// The collector interface and its registration record.
//
// A collector reads files under HostPaths, calls pure parsers (src/parse) and
// returns metric families. It never touches the snapshot, and talks to the
// network only to ask a local daemon (ntp, supervisord:
// collectors/deadline_socket.h, every wait bounded by a deadline); the
// scheduler runs it on its own worker with a deadline and turns any error
// or exception into node_scrape_collector_success{collector="..."} 0.
#ifndef HOST_EXPORTER_COLLECTOR_H_
#define HOST_EXPORTER_COLLECTOR_H_

#include <prometheus/metric_family.h>

#include <chrono>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "host_exporter/family.h"
#include "host_exporter/paths.h"

namespace host_exporter {

/// Thrown by a collector when it cannot produce its metrics. The message names
/// the file (and line, where there is one) that was at fault.
class CollectError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A collector-specific option, declared beside the collector and exposed as
/// the flag --collector.<collector>.<name> and the config key of the same name.
struct OptionSpec {
  std::string name;           ///< full flag name without dashes
  std::string default_value;  ///< for repeatable options, one default value
  std::string help;
  bool repeatable = false;  ///< may be given several times (a list)
  bool boolean = false;     ///< a switch: "true"/"false"
  /// Non-empty for a node_exporter flag that cannot mean anything here:
  /// why. It is accepted, and logged once at start-up when given.
  std::string_view no_effect = {};
};

/// Set by the configuration in every collector's options: the scheduler's
/// per-collector deadline (--collector.timeout), as a Go duration, for
/// collectors that bound their own waits by it.
inline constexpr char kCollectorTimeoutKey[] = "collector.timeout";

/// Set by the configuration in every collector's options: which
/// node_exporter's output to match (--compat.node-exporter), "1.9" (the
/// default) or "1.5".
inline constexpr char kNodeExporterCompatKey[] = "compat.node-exporter";

/// The values of the options a collector declared, by full flag name.
class CollectorOptions {
 public:
  CollectorOptions() = default;
  explicit CollectorOptions(std::map<std::string, std::vector<std::string>> v)
      : values_(std::move(v)) {}

  /// The last value given for `name`, or "" if none.
  std::string Get(std::string_view name) const;
  /// All values given for a repeatable option.
  std::vector<std::string> GetList(std::string_view name) const;
  /// A boolean option ("true", "1", "yes" are true).
  bool GetBool(std::string_view name) const;
  /// True when the output is to match node_exporter 1.5
  /// (--compat.node-exporter=1.5) rather than 1.9.
  bool NodeExporter15() const { return Get(kNodeExporterCompatKey) == "1.5"; }
  /// The last value of `name`, whose default changed after node_exporter
  /// 1.5: under --compat.node-exporter=1.5 the 1.9 default (`default19`,
  /// the one declared) stands for 1.5's (`default15`).
  std::string GetCompat(std::string_view name, std::string_view default19,
                        std::string_view default15) const;

  /// Sets (replaces) the values of `name`.
  void Set(const std::string& name, std::vector<std::string> values) {
    values_[name] = std::move(values);
  }
  const std::map<std::string, std::vector<std::string>>& values() const {
    return values_;
  }

 private:
  std::map<std::string, std::vector<std::string>> values_;
};

/// One collector: a name and a Collect() that is called once per cycle.
/// Collect() is only ever called from one thread at a time per instance, so
/// a collector may keep state between runs (e.g. which mounts are stuck).
class Collector {
 public:
  virtual ~Collector() = default;
  /// Reads the host and returns this collector's families. Throws
  /// CollectError (or anything else) on failure.
  virtual Families Collect(const HostPaths& paths) = 0;
  /// Problems of the last Collect() that did not make it fail (e.g. one
  /// textfile that could not be parsed while the others could), each naming
  /// its file; returned once, then cleared. Called on the collector's own
  /// worker after Collect(); the scheduler logs each distinct message once.
  virtual std::vector<std::string> TakeWarnings() { return {}; }
};

/// The registration record: one line per collector in the table of
/// src/collectors/registry.cc.
struct CollectorSpec {
  std::string_view name;
  bool enabled_by_default;
  std::string_view help;
  std::vector<OptionSpec> options;
  std::unique_ptr<Collector> (*create)(const CollectorOptions& options);
};

/// The factory of a collector built from its options alone (or from
/// nothing): `CollectorSpec::create` of most collectors is
/// `&MakeCollector<FooCollector>`.
template <typename T>
std::unique_ptr<Collector> MakeCollector(const CollectorOptions& options) {
  if constexpr (std::is_constructible_v<T, const CollectorOptions&>) {
    return std::make_unique<T>(options);
  } else {
    return std::make_unique<T>();
  }
}

/// Lets the calling thread memoize collector filter matches (Matches() in
/// src/collectors/toolkit.h). Called by each scheduler worker thread, which
/// runs one collector instance for its whole life.
void EnableMatchCacheForThisThread();

/// While one lives on a thread, ReadPath (src/collectors/toolkit.h) keeps the
/// files below `paths`' procfs and sysfs roots that it would otherwise open and
/// close on every call (a class device's attributes: hwmon, power_supply,
/// infiniband, fc_host, btrfs, ...; in a fixture tree, whose files are regular
/// files, every one) between calls, under the DirStamp of the directory the
/// path leads to, as ReadPathStamped keeps a network interface's under its own:
/// one stat(2) of each such directory per scope instead of an open and a
/// close of each of its files. The scheduler's pool thread holds one around
/// each collector's Collect, so stamps are taken anew each cycle; without
/// one these files are opened afresh. A directory whose change time is
/// within `settled` of now is not trusted (a coarse clock can give two
/// changes one change time) and its files are read afresh that scope.
/// On sysfs a kept descriptor holds its page-sized buffer in the kernel
/// (about 4.5 KB each, within the TryKeepFds budget). Not nestable across
/// threads; one scope per thread at a time (an inner one replaces the outer
/// until it ends).
class DirStampScope {
 public:
  explicit DirStampScope(
      const HostPaths& paths,
      std::chrono::nanoseconds settled = std::chrono::seconds(1));
  /// `paths` must outlive the scope (it is not copied).
  DirStampScope(HostPaths&&, std::chrono::nanoseconds = {}) = delete;
  ~DirStampScope();
  DirStampScope(const DirStampScope&) = delete;
  DirStampScope& operator=(const DirStampScope&) = delete;

 private:
  const HostPaths* previous_paths_;
  std::chrono::nanoseconds previous_settled_;
};

/// Every collector this build knows, in the order they are documented.
const std::vector<CollectorSpec>& AllCollectors();

/// The collector named `name`, or nullptr.
const CollectorSpec* FindCollector(std::string_view name);

/// A collector's options with every declared default filled in.
CollectorOptions DefaultOptions(const CollectorSpec& spec);

}  // namespace host_exporter

#endif  // HOST_EXPORTER_COLLECTOR_H_
