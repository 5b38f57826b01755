// The processes collector on the fixture root and on scratch roots.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "collectors/toolkit.h"
#include "tests/unit/collector_test_util.h"

namespace host_exporter::testing {
namespace {

TEST(ProcessesCollectorTest, CountsFixtureProcessesAndThreads) {
  Families fams = RunCollector("processes");
  EXPECT_EQ(FindValue(fams, "node_processes_pids"), 3);
  EXPECT_EQ(FindValue(fams, "node_processes_threads"), 5);
  EXPECT_EQ(FindValue(fams, "node_processes_max_threads"), 254723);
  EXPECT_EQ(FindValue(fams, "node_processes_max_processes"), 4194304);
  EXPECT_EQ(FindValue(fams, "node_processes_state", {{"state", "R"}}), 1);
  EXPECT_EQ(FindValue(fams, "node_processes_state", {{"state", "S"}}), 1);
  EXPECT_EQ(FindValue(fams, "node_processes_state", {{"state", "Z"}}), 1);
  // pid 1: its own thread (S); pid 42: threads 42 (R), 43 (S), 44 (D);
  // pid 314 has no task directory.
  EXPECT_EQ(
      FindValue(fams, "node_processes_threads_state", {{"thread_state", "S"}}),
      2);
  EXPECT_EQ(
      FindValue(fams, "node_processes_threads_state", {{"thread_state", "R"}}),
      1);
  EXPECT_EQ(
      FindValue(fams, "node_processes_threads_state", {{"thread_state", "D"}}),
      1);
  EXPECT_EQ(Family(fams, "node_processes_threads_state").metric.size(), 3u);
  EXPECT_EQ(Family(fams, "node_processes_pids").help, "Number of PIDs");
}

TEST(ProcessesCollectorTest, VanishedProcessesAreSkipped) {
  TempRoot root;
  root.Write("proc/sys/kernel/threads-max", "100\n");
  root.Write("proc/sys/kernel/pid_max", "32768\n");
  root.Write("proc/7/stat", ReadFile(FIXTURE_ROOT "/proc/42/stat"));
  std::filesystem::create_directories(root.dir() + "/proc/8");  // exited
  root.Write("proc/7/task/9/cmdline", "");  // thread 9 exited
  Families fams = RunCollector("processes", {}, FixturePaths(root.dir()));
  EXPECT_EQ(FindValue(fams, "node_processes_pids"), 1);
  EXPECT_EQ(FindValue(fams, "node_processes_threads"), 3);
  EXPECT_EQ(FindFamily(fams, "node_processes_threads_state"), nullptr);
}

TEST(ProcessesCollectorTest, MalformedStatIsAnErrorNamingTheFile) {
  TempRoot root;
  root.Write("proc/sys/kernel/threads-max", "100\n");
  root.Write("proc/sys/kernel/pid_max", "32768\n");
  root.Write("proc/7/stat", "7 (x) S 1 2\n");
  try {
    RunCollector("processes", {}, FixturePaths(root.dir()));
    FAIL() << "expected CollectError";
  } catch (const CollectError& e) {
    EXPECT_EQ(std::string(e.what()),
              root.dir() +
                  "/proc/7/stat: expected at least 40 fields after the "
                  "command, got 3");
  }
}

TEST(ProcessesCollectorTest, MissingLimitIsAnError) {
  TempRoot root;
  root.Write("proc/sys/kernel/threads-max", "many\n");
  EXPECT_THROW(RunCollector("processes", {}, FixturePaths(root.dir())),
               CollectError);
}

}  // namespace
}  // namespace host_exporter::testing
