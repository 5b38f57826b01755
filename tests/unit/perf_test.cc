// The perf collector without the kernel: CPU list parsing, profiler
// selection, and the series built from a fake counter source; and one live
// run that skips where perf_event_open(2) is refused.
#include "collectors/perf.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <map>
#include <set>

#include "tests/unit/collector_test_util.h"

namespace host_exporter::testing {
namespace {

using Flags = std::map<std::string, std::vector<std::string>>;

CollectorOptions Options(Flags flags) {
  CollectorOptions o = DefaultOptions(*FindCollector("perf"));
  for (auto& [k, v] : flags) o.Set(k, v);
  return o;
}

TEST(PerfCpusTest, ListsRangesAndStrides) {
  EXPECT_EQ(ParsePerfCpus("1"), (std::vector<int>{1}));
  EXPECT_EQ(ParsePerfCpus("1-5"), (std::vector<int>{1, 2, 3, 4, 5}));
  EXPECT_EQ(ParsePerfCpus("10-12"), (std::vector<int>{10, 11, 12}));
  EXPECT_EQ(ParsePerfCpus("10-20:5"), (std::vector<int>{10, 15, 20}));
  EXPECT_EQ(ParsePerfCpus("1-8:2"), (std::vector<int>{1, 3, 5, 7}));
  EXPECT_EQ(ParsePerfCpus("0,2-3,7"), (std::vector<int>{0, 2, 3, 7}));
}

TEST(PerfCpusTest, BadListsAreRefusedNamingTheFlag) {
  for (const char* bad : {"", "a", "1,,2", "1-", "1-2-3", "3-x", "1-4:0",
                          "1-4:x", "1-4:2:3", "-1"}) {
    EXPECT_THROW(ParsePerfCpus(bad), std::invalid_argument) << bad;
  }
  try {
    ParsePerfCpus("0,1-x");
    ADD_FAILURE();
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()),
              "--collector.perf.cpus: bad CPU 'x' in '1-x'");
  }
}

std::vector<std::string> FamilyNames(const std::vector<PerfCounterDef>& defs) {
  std::vector<std::string> out;
  for (const auto& d : defs) out.push_back(d.family);
  return out;
}

TEST(PerfSelectTest, DefaultIsEveryProfilerOfEachKind) {
  const auto defs = SelectPerfCounters(Options({}));
  ASSERT_EQ(defs.size(), 9u + 5u + 12u);
  EXPECT_EQ(defs[0].family, "node_perf_cpucycles_total");
  EXPECT_EQ(defs[0].help, "Number of CPU cycles (frequency scaled)");
  EXPECT_EQ(defs[0].event, (PerfEvent{kPerfTypeHardware, 0}));
  EXPECT_EQ(defs[9].family, "node_perf_page_faults_total");
  EXPECT_EQ(defs[9].event, (PerfEvent{kPerfTypeSoftware, 2}));
  // L1D (0), read (0), miss (1): 0x10000.
  EXPECT_EQ(defs[15].family, "node_perf_cache_l1d_read_misses_total");
  EXPECT_EQ(defs[15].event, (PerfEvent{kPerfTypeHwCache, 0x10000}));
  // BPU (5), read, miss.
  EXPECT_EQ(defs.back().family, "node_perf_cache_bpu_read_misses_total");
  EXPECT_EQ(defs.back().event, (PerfEvent{kPerfTypeHwCache, 0x10005}));
  std::set<std::string> unique;
  for (const auto& d : defs) unique.insert(d.family);
  EXPECT_EQ(unique.size(), defs.size());
}

TEST(PerfSelectTest, ListsAndDisableFlags) {
  auto defs = SelectPerfCounters(
      Options({{"collector.perf.hardware-profilers", {"CpuInstr", "CpuCycles"}},
               {"collector.perf.disable-software-profilers", {"true"}},
               {"collector.perf.cache-profilers", {"LLWriteMiss"}},
               {"collector.perf.tracepoint",
                {"sched:sched_switch", "irq:irq_handler_entry"}}}));
  EXPECT_EQ(FamilyNames(defs), (std::vector<std::string>{
                                   "node_perf_cpucycles_total",
                                   "node_perf_instructions_total",
                                   "node_perf_cache_ll_write_misses_total",
                                   "node_perf_sched_sched_switch",
                                   "node_perf_irq_irq_handler_entry",
                               }));
  EXPECT_EQ(defs[3].help, "Perf tracepoint sched:sched_switch");
  EXPECT_EQ(defs[3].tracepoint, "sched:sched_switch");
  EXPECT_EQ(defs[3].event.type, kPerfTypeTracepoint);

  defs = SelectPerfCounters(
      Options({{"collector.perf.disable-hardware-profilers", {"true"}},
               {"collector.perf.disable-cache-profilers", {"true"}},
               {"collector.perf.software-profilers", {"MajorFault"}}}));
  EXPECT_EQ(FamilyNames(defs),
            (std::vector<std::string>{"node_perf_major_faults_total"}));
}

TEST(PerfSelectTest, UnknownProfilerAndBadTracepointAreRefused) {
  try {
    SelectPerfCounters(
        Options({{"collector.perf.software-profilers", {"PageFaults"}}}));
    ADD_FAILURE();
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()),
              "--collector.perf.software-profilers: unknown profiler "
              "'PageFaults' (known: PageFault, ContextSwitch, CpuMigration, "
              "MinorFault, MajorFault)");
  }
  for (const char* t : {"sched", "a:b:c", ":x", "x:"}) {
    EXPECT_THROW(
        SelectPerfCounters(Options({{"collector.perf.tracepoint", {t}}})),
        std::invalid_argument)
        << t;
  }
  // At creation, as the registered factory builds it.
  EXPECT_THROW(MakeCollector("perf", Opt("collector.perf.cpus", "x")),
               std::invalid_argument);
}

// Counters from a table: value = 1000 * cpu + config; refusals and a
// tracepoint id given by the test.
class FakePerf : public PerfSource {
 public:
  std::set<std::pair<uint64_t, int>> refuse;  // (config, cpu)
  std::map<std::string, uint64_t> tracepoints;
  std::vector<std::pair<PerfEvent, int>> opened;
  std::set<int> unreadable;
  int* opens_counter = nullptr;

  Opened Open(const PerfEvent& e, int cpu) override {
    if (opens_counter) ++*opens_counter;
    if (refuse.count({e.config, cpu})) return {-1, ENOENT};
    opened.push_back({e, cpu});
    return {static_cast<int>(opened.size() - 1), 0};
  }
  std::optional<uint64_t> Read(int id) override {
    if (unreadable.count(id)) return std::nullopt;
    const auto& [e, cpu] = opened[static_cast<size_t>(id)];
    return 1000 * static_cast<uint64_t>(cpu) + e.config;
  }
  std::optional<uint64_t> TracepointId(const HostPaths&, const std::string& s,
                                       const std::string& e) override {
    auto it = tracepoints.find(s + ":" + e);
    if (it == tracepoints.end()) return std::nullopt;
    return it->second;
  }
};

TEST(PerfCollectorTest, SeriesPerCpuFromTheSource) {
  int opens = 0;
  auto collector = NewPerfCollector(
      Options(
          {{"collector.perf.cpus", {"0,2"}},
           {"collector.perf.hardware-profilers", {"CpuInstr"}},
           {"collector.perf.software-profilers", {"ContextSwitch"}},
           {"collector.perf.disable-cache-profilers", {"true"}},
           {"collector.perf.tracepoint", {"sched:sched_switch", "x:gone"}}}),
      [&] {
        auto fake = std::make_unique<FakePerf>();
        fake->refuse = {{3, 2}};
        fake->tracepoints = {{"sched:sched_switch", 316}};
        fake->opens_counter = &opens;
        return fake;
      });
  host_exporter::Families fams = collector->Collect(FixturePaths());
  EXPECT_EQ(FindValue(fams, "node_perf_instructions_total", {{"cpu", "0"}}), 1);
  EXPECT_EQ(FindValue(fams, "node_perf_instructions_total", {{"cpu", "2"}}),
            2001);
  EXPECT_EQ(FindValue(fams, "node_perf_context_switches_total", {{"cpu", "0"}}),
            3);
  // Refused on CPU 2: left out there, not a failed scrape.
  EXPECT_FALSE(
      FindValue(fams, "node_perf_context_switches_total", {{"cpu", "2"}}));
  EXPECT_EQ(FindValue(fams, "node_perf_sched_sched_switch", {{"cpu", "2"}}),
            2316);
  EXPECT_EQ(Family(fams, "node_perf_sched_sched_switch").help,
            "Perf tracepoint sched:sched_switch");
  EXPECT_EQ(Family(fams, "node_perf_instructions_total").type,
            prometheus::MetricType::Counter);
  EXPECT_EQ(fams.size(), 3u);
  const auto warnings = collector->TakeWarnings();
  EXPECT_EQ(warnings,
            (std::vector<std::string>{
                "perf: tracepoint x:gone not found in tracefs: "
                "node_perf_x_gone left out",
                "perf: left out on CPU 2 (perf_event_open: No such file or "
                "directory): node_perf_context_switches_total"}));
  // The counters are opened once: the next cycle only reads them.
  EXPECT_EQ(opens, 6);
  fams = collector->Collect(FixturePaths());
  EXPECT_EQ(opens, 6);
  EXPECT_EQ(Family(fams, "node_perf_instructions_total").metric.size(), 2u);
  EXPECT_TRUE(collector->TakeWarnings().empty());
}

TEST(PerfCollectorTest, NothingOpenedIsNoSeriesNotAnError) {
  auto collector = NewPerfCollector(
      Options({{"collector.perf.cpus", {"0-1"}},
               {"collector.perf.disable-hardware-profilers", {"true"}},
               {"collector.perf.disable-cache-profilers", {"true"}}}),
      [] {
        auto fake = std::make_unique<FakePerf>();
        for (uint64_t c = 0; c < 10; ++c) {
          fake->refuse.insert({c, 0});
          fake->refuse.insert({c, 1});
        }
        return fake;
      });
  EXPECT_TRUE(collector->Collect(FixturePaths()).empty());
  EXPECT_EQ(collector->TakeWarnings(),
            (std::vector<std::string>{
                "perf: left out on CPU 0,1 (perf_event_open: No such file or "
                "directory): node_perf_page_faults_total, "
                "node_perf_context_switches_total, "
                "node_perf_cpu_migrations_total, node_perf_minor_faults_total, "
                "node_perf_major_faults_total"}));
}

// The kernel's counters: software ones exist even in a VM without a PMU.
TEST(PerfCollectorTest, LiveSoftwareCounters) {
  auto collector = NewPerfCollector(
      Options({{"collector.perf.cpus", {"0"}},
               {"collector.perf.disable-hardware-profilers", {"true"}},
               {"collector.perf.disable-cache-profilers", {"true"}},
               {"collector.perf.software-profilers", {"ContextSwitch"}}}),
      NewPerfEventSource);
  host_exporter::Families fams = collector->Collect(FixturePaths());
  if (fams.empty()) {
    GTEST_SKIP() << "perf_event_open refused here: "
                 << ::testing::PrintToString(collector->TakeWarnings());
  }
  const auto first =
      FindValue(fams, "node_perf_context_switches_total", {{"cpu", "0"}});
  ASSERT_TRUE(first);
  fams = collector->Collect(FixturePaths());
  const auto second =
      FindValue(fams, "node_perf_context_switches_total", {{"cpu", "0"}});
  ASSERT_TRUE(second);
  EXPECT_GE(*second, *first);
}

}  // namespace
}  // namespace host_exporter::testing
