// The os collector on the fixture root and on scratch roots.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "parse/os_release.h"
#include "tests/unit/collector_test_util.h"

namespace host_exporter::testing {
namespace {

TEST(OsCollectorTest, ReadsUsrLibOsReleaseFromFixture) {
  Families fams = RunCollector("os");
  EXPECT_EQ(FindValue(fams, "node_os_info",
                      {{"build_id", "20231001.4"},
                       {"id", "fixture"},
                       {"id_like", "debian ubuntu"},
                       {"image_id", "fixture-cloud"},
                       {"image_version", "0.4.2"},
                       {"name", "Fixture Linux"},
                       {"pretty_name", "Fixture Linux 23.10 (Quokka)"},
                       {"variant", "Server Edition"},
                       {"variant_id", "server"},
                       {"version", "23.10 (Quokka)"},
                       {"version_codename", "quokka"},
                       {"version_id", "23.10.1"}}),
            1);
  EXPECT_EQ(FindValue(fams, "node_os_version",
                      {{"id", "fixture"},
                       {"id_like", "debian ubuntu"},
                       {"name", "Fixture Linux"}}),
            23.1);
}

TEST(OsCollectorTest, EtcWinsOverUsrLib) {
  testing::TempRoot root;
  root.Write("etc/os-release", "ID=etc\nNAME=Etc\n");
  root.Write("usr/lib/os-release", "ID=usr\nVERSION_ID=1\n");
  Families fams = RunCollector("os", {}, FixturePaths(root.dir()));
  const auto* info = FindFamily(fams, "node_os_info");
  ASSERT_NE(info, nullptr);
  ASSERT_EQ(info->metric.size(), 1u);
  bool saw_id = false;
  for (const auto& l : info->metric[0].label) {
    if (l.name == "id") {
      EXPECT_EQ(l.value, "etc");
      saw_id = true;
    }
  }
  EXPECT_TRUE(saw_id);
  // No VERSION_ID in /etc/os-release: no version series.
  EXPECT_EQ(FindFamily(fams, "node_os_version"), nullptr);
}

TEST(OsCollectorTest, NoOsReleaseMeansNoSeries) {
  testing::TempRoot root;
  EXPECT_TRUE(RunCollector("os", {}, FixturePaths(root.dir())).empty());
}

TEST(OsCollectorTest, MalformedFileIsAnErrorNamingIt) {
  testing::TempRoot root;
  root.Write("etc/os-release", "ID=x\nNAME=\"broken\n");
  try {
    RunCollector("os", {}, FixturePaths(root.dir()));
    FAIL() << "expected CollectError";
  } catch (const CollectError& e) {
    EXPECT_EQ(std::string(e.what()),
              root.dir() + "/etc/os-release: line 2: unmatched \"");
  }
}

// The node_os_info "id" label of a collection, or "" without the series.
std::string InfoId(const Families& fams) {
  const auto* info = FindFamily(fams, "node_os_info");
  if (info == nullptr || info->metric.empty()) return "";
  for (const auto& l : info->metric[0].label) {
    if (l.name == "id") return l.value;
  }
  return "";
}

// Sets the modification time of `path` (nanoseconds since the epoch).
void SetMtime(const std::string& path, long sec, long nsec) {
  const struct timespec times[2] = {{sec, nsec}, {sec, nsec}};
  ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, 0), 0);
}

// The parsed file is kept while its stat holds (as node_exporter caches it
// by mtime) and read again once its mtime, size or inode changes.
TEST(OsCollectorTest, ParsedFileKeptUntilItChanges) {
  testing::TempRoot root;
  const std::string path = root.Write("etc/os-release", "ID=aaa\n");
  SetMtime(path, 1000, 0);
  auto c = MakeCollector("os");
  EXPECT_EQ(InfoId(c->Collect(root.paths())), "aaa");

  // Same size, same mtime: not read again.
  root.Write("etc/os-release", "ID=bbb\n");
  SetMtime(path, 1000, 0);
  EXPECT_EQ(InfoId(c->Collect(root.paths())), "aaa");

  // A new mtime: read again.
  SetMtime(path, 1001, 0);
  EXPECT_EQ(InfoId(c->Collect(root.paths())), "bbb");

  // Replaced by rename (another inode), mtime and size as before.
  root.Write("etc/os-release.new", "ID=ccc\n");
  SetMtime(path + ".new", 1001, 0);
  std::filesystem::rename(path + ".new", path);
  EXPECT_EQ(InfoId(c->Collect(root.paths())), "ccc");

  // Another size.
  root.Write("etc/os-release", "ID=dddd\n");
  SetMtime(path, 1001, 0);
  EXPECT_EQ(InfoId(c->Collect(root.paths())), "dddd");

  // Gone: the fallback file, then nothing.
  std::filesystem::remove(path);
  root.Write("usr/lib/os-release", "ID=usr\n");
  EXPECT_EQ(InfoId(c->Collect(root.paths())), "usr");
  std::filesystem::remove(root.dir() + "/usr/lib/os-release");
  EXPECT_TRUE(c->Collect(root.paths()).empty());

  // A malformed file is an error every cycle (nothing kept), and once fixed
  // it is read.
  root.Write("etc/os-release", "ID=\"x\n");
  EXPECT_THROW(c->Collect(root.paths()), CollectError);
  EXPECT_THROW(c->Collect(root.paths()), CollectError);
  root.Write("etc/os-release", "ID=eee\n");
  EXPECT_EQ(InfoId(c->Collect(root.paths())), "eee");
}

}  // namespace
}  // namespace host_exporter::testing
