// Runs a registered collector against the fixture root and looks up series.
#ifndef HOST_EXPORTER_TESTS_UNIT_COLLECTOR_TEST_UTIL_H_
#define HOST_EXPORTER_TESTS_UNIT_COLLECTOR_TEST_UTIL_H_

#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "host_exporter/collector.h"
#include "host_exporter/config.h"
#include "host_exporter/encoder.h"
#include "host_exporter/family.h"
#include "host_exporter/paths.h"
#include "host_exporter/scheduler.h"
#include "tests/unit/temp_dir.h"

namespace host_exporter::testing {

/// HostPaths pointing at tests/fixtures/root (or another fake root).
inline HostPaths FixturePaths(const std::string& root = FIXTURE_ROOT) {
  HostPaths p;
  p.procfs = root + "/proc";
  p.sysfs = root + "/sys";
  p.rootfs = root;
  return p;
}

/// The configuration the flags give with the fixture root as procfs, sysfs
/// and rootfs: the default collectors, in node_exporter 1.9's shape.
inline Config FixtureConfig() {
  Settings flags;
  flags["path.procfs"] = {{FIXTURE_ROOT "/proc"}, "flag --path.procfs"};
  flags["path.sysfs"] = {{FIXTURE_ROOT "/sys"}, "flag --path.sysfs"};
  flags["path.rootfs"] = {{FIXTURE_ROOT}, "flag --path.rootfs"};
  Config c;
  std::string err;
  if (!LoadConfig(flags, {}, &c, &err)) ADD_FAILURE() << err;
  return c;
}

/// One instance of each collector of `config`, for a Scheduler.
inline std::vector<NamedCollector> MakeCollectors(const Config& config) {
  std::vector<NamedCollector> out;
  for (const auto& [spec, opts] : config.collectors)
    out.push_back({std::string(spec->name), spec->create(opts)});
  return out;
}

/// A collector's default options as the unit tests take them: in
/// node_exporter 1.5's shape (--compat.node-exporter=1.5), which these
/// tests were written against; the default shape (1.9's) is pinned by the
/// golden file (tests/golden/fixtures.prom) and test_compat against the
/// real node_exporter 1.9. A test of the 1.9 shape overrides the key.
inline CollectorOptions TestDefaultOptions(const CollectorSpec& spec) {
  CollectorOptions opts = DefaultOptions(spec);
  opts.Set(kNodeExporterCompatKey, {"1.5"});
  return opts;
}

/// Creates the collector `name` with its default options, overridden by
/// `overrides` (nullptr, and a test failure, for an unknown name).
inline std::unique_ptr<Collector> MakeCollector(
    std::string_view name, const CollectorOptions& overrides = {}) {
  const CollectorSpec* spec = FindCollector(name);
  if (spec == nullptr) {
    ADD_FAILURE() << "no collector " << name;
    return nullptr;
  }
  CollectorOptions opts = TestDefaultOptions(*spec);
  for (const auto& [k, v] : overrides.values()) opts.Set(k, v);
  return spec->create(opts);
}

/// Creates the collector `name` (MakeCollector) and runs it once on
/// `paths`.
inline Families RunCollector(std::string_view name,
                             const CollectorOptions& overrides = {},
                             const HostPaths& paths = FixturePaths()) {
  std::unique_ptr<Collector> c = MakeCollector(name, overrides);
  return c ? c->Collect(paths) : Families{};
}

/// Runs one instance of the collector `name` on the fixture root three
/// times and expects the same exposition each time: what it keeps from one
/// run to the next (paths, plans, strings) changes nothing it outputs.
inline void ExpectSteadyRunsAlike(std::string_view name,
                                  const CollectorOptions& overrides = {}) {
  std::unique_ptr<Collector> c = MakeCollector(name, overrides);
  ASSERT_NE(c, nullptr);
  const std::string first =
      EncodeText(c->Collect(FixturePaths()), Escaping::kUnderscores, true);
  EXPECT_FALSE(first.empty()) << name;
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(
        EncodeText(c->Collect(FixturePaths()), Escaping::kUnderscores, true),
        first)
        << name << ", run " << i + 2;
  }
}

/// Runs the collector `name` once with $DBUS_SYSTEM_BUS_ADDRESS naming a
/// socket that does not exist (restored afterwards) and expects a
/// CollectError "<prefix>: system bus at <that address>: <why>".
inline void ExpectNoSystemBusError(std::string_view name,
                                   const std::string& prefix) {
  const std::string address = "unix:path=/nonexistent/system_bus";
  const char* old = ::getenv("DBUS_SYSTEM_BUS_ADDRESS");
  const std::optional<std::string> saved =
      old ? std::optional<std::string>(old) : std::nullopt;
  ::setenv("DBUS_SYSTEM_BUS_ADDRESS", address.c_str(), 1);
  try {
    RunCollector(name);
    ADD_FAILURE() << name << ": expected CollectError";
  } catch (const CollectError& e) {
    const std::string error = e.what();
    EXPECT_EQ(error.rfind(prefix + ": system bus at " + address + ": ", 0), 0u)
        << error;
  }
  if (saved) {
    ::setenv("DBUS_SYSTEM_BUS_ADDRESS", saved->c_str(), 1);
  } else {
    ::unsetenv("DBUS_SYSTEM_BUS_ADDRESS");
  }
}

/// The family called `name`, or nullptr (host_exporter/family.h).
using host_exporter::FindFamily;

/// The family called `name`. A missing one is a failure of the calling
/// test (not a crash of the test binary): it is recorded, and an empty
/// family (no help, no series) is returned.
inline const prometheus::MetricFamily& Family(const Families& fams,
                                              std::string_view name) {
  if (const prometheus::MetricFamily* f = FindFamily(fams, name)) return *f;
  ADD_FAILURE() << "no family " << name << " among " << fams.size();
  static const prometheus::MetricFamily kNone;
  return kNone;
}

/// The value of the series `name` whose labels are exactly `labels` (in any
/// order), or nullopt.
inline std::optional<double> FindValue(const Families& fams,
                                       std::string_view name,
                                       Labels labels = {}) {
  const prometheus::MetricFamily* f = FindFamily(fams, name);
  if (f == nullptr) return std::nullopt;
  std::sort(labels.begin(), labels.end());
  for (const auto& m : f->metric) {
    Labels got;
    for (const auto& l : m.label) {
      // The textfile collector's created time for the snapshot, not a label.
      if (l.name != kCreatedLabel) got.emplace_back(l.name, l.value);
    }
    std::sort(got.begin(), got.end());
    if (got == labels) return SeriesValue(*f, m);
  }
  return std::nullopt;
}

/// A scratch root directory under $TMPDIR for one test, removed with
/// everything in it when the test ends. Collectors see it through paths().
class TempRoot : public TempDir {
 public:
  HostPaths paths() const { return FixturePaths(dir()); }
};

// A scratch root (a TempRoot) whose paths are relative to its sys/.
class SysfsRoot {
 public:
  /// Writes <root>/sys/<rel>, creating directories.
  void Write(const std::string& rel, const std::string& content) const {
    root_.Write("sys/" + rel, content);
  }
  /// Creates the symlink <root>/sys/<rel> -> target.
  void Link(const std::string& rel, const std::string& target) const {
    const std::filesystem::path p = Sys(rel);
    std::filesystem::create_directories(p.parent_path());
    std::filesystem::create_symlink(target, p);
  }
  std::string Sys(const std::string& rel) const {
    return root_.dir() + "/sys/" + rel;
  }
  /// Copies the fixture's sys/<rel> (a tree) to <root>/sys/<rel>.
  void CopyFixture(const std::string& rel) const {
    const std::filesystem::path to = Sys(rel);
    std::filesystem::create_directories(to.parent_path());
    std::filesystem::copy(std::string(FIXTURE_ROOT) + "/sys/" + rel, to,
                          std::filesystem::copy_options::recursive);
  }
  HostPaths Paths() const { return root_.paths(); }

 private:
  TempRoot root_;
};

// The CollectError message of running `name` on `root`, or "" if none.
inline std::string ErrorOf(std::string_view name, const SysfsRoot& root,
                           const CollectorOptions& options = {}) {
  try {
    RunCollector(name, options, root.Paths());
  } catch (const CollectError& e) {
    return e.what();
  }
  return "";
}

/// Options with `key` set to `value`.
inline CollectorOptions Opt(const std::string& key, const std::string& value) {
  return CollectorOptions(
      std::map<std::string, std::vector<std::string>>{{key, {value}}});
}

}  // namespace host_exporter::testing

#endif  // HOST_EXPORTER_TESTS_UNIT_COLLECTOR_TEST_UTIL_H_
