// Runs a registered collector against the fixture root and looks up series.
#ifndef HOST_EXPORTER_TESTS_UNIT_COLLECTOR_TEST_UTIL_H_
#define HOST_EXPORTER_TESTS_UNIT_COLLECTOR_TEST_UTIL_H_

#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "host_exporter/collector.h"
#include "host_exporter/family.h"
#include "host_exporter/paths.h"

namespace host_exporter::testing {

/// HostPaths pointing at tests/fixtures/root (or another fake root).
inline HostPaths FixturePaths(const std::string& root = FIXTURE_ROOT) {
  HostPaths p;
  p.procfs = root + "/proc";
  p.sysfs = root + "/sys";
  p.rootfs = root;
  return p;
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
  CollectorOptions opts = DefaultOptions(*spec);
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

/// The family called `name`, or nullptr.
inline const prometheus::MetricFamily* FindFamily(const Families& fams,
                                                  std::string_view name) {
  for (const auto& f : fams) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

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
    for (const auto& l : m.label) got.emplace_back(l.name, l.value);
    std::sort(got.begin(), got.end());
    if (got == labels) return SeriesValue(*f, m);
  }
  return std::nullopt;
}

/// A scratch root directory under $TMPDIR for one test, removed with
/// everything in it when the test ends. Collectors see it through paths().
class TempRoot {
 public:
  TempRoot() {
    std::string tmpl =
        (std::filesystem::temp_directory_path() / "host_exporter_test.XXXXXX")
            .string();
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp");
    dir_ = tmpl;
  }
  ~TempRoot() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  TempRoot(const TempRoot&) = delete;
  TempRoot& operator=(const TempRoot&) = delete;

  /// Writes <root>/<rel>, creating directories; returns the full path.
  std::string Write(const std::string& rel, const std::string& text) const {
    const std::string p = dir_ + "/" + rel;
    std::filesystem::create_directories(std::filesystem::path(p).parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }
  const std::string& dir() const { return dir_; }
  HostPaths paths() const { return FixturePaths(dir_); }

 private:
  std::string dir_;
};

}  // namespace host_exporter::testing

#endif  // HOST_EXPORTER_TESTS_UNIT_COLLECTOR_TEST_UTIL_H_
