// The collector toolkit (src/collectors/toolkit.h): readers, filters,
// FamilySet.
#include "collectors/toolkit.h"

#include <gtest/gtest.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <climits>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "tests/unit/collector_test_util.h"

namespace host_exporter::testing {
namespace {

TEST(FilterTest, EmptyPatternIsNoFilter) {
  const Filter none("collector.x.fields", "");
  EXPECT_FALSE(none.active());
  EXPECT_TRUE(none.Includes("anything"));
  EXPECT_FALSE(none.Excludes("anything"));
  const Filter def;
  EXPECT_TRUE(def.Includes("x"));
  EXPECT_FALSE(def.Excludes("x"));
}

TEST(FilterTest, PatternIsAnUnanchoredSearch) {
  const Filter f("collector.x.fields", "b+c");
  EXPECT_TRUE(f.active());
  EXPECT_TRUE(f.Includes("abbcd"));
  EXPECT_TRUE(f.Excludes("abbcd"));
  EXPECT_FALSE(f.Includes("acd"));
  EXPECT_FALSE(f.Excludes("acd"));
}

TEST(FilterTest, BadPatternNamesTheFlag) {
  try {
    Filter("collector.x.fields", "(");
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()).rfind(
                  "--collector.x.fields: invalid regular expression '('", 0),
              0u)
        << e.what();
  }
}

// What `f()` throws as std::invalid_argument, or "" if it does not throw.
template <typename F>
std::string InvalidArgument(F f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(NameFilterTest, PrefixNamesTheTwoFlags) {
  const CollectorOptions o({{"collector.x.device-include", {"^e"}},
                            {"collector.x.device-exclude", {"1$"}}});
  const NameFilter f(o, "collector.x.device-");
  EXPECT_TRUE(f.Keeps("eth0"));
  EXPECT_FALSE(f.Keeps("eth1"));
  EXPECT_FALSE(f.Keeps("lo"));
  EXPECT_TRUE(NameFilter(CollectorOptions(), "collector.x.device-").Keeps("a"));
  const auto refused = NameFilter::Both::kRefused;
  EXPECT_EQ(
      InvalidArgument([&] { NameFilter(o, "collector.x.device-", refused); }),
      "--collector.x.device-include and "
      "--collector.x.device-exclude are mutually exclusive");
  EXPECT_EQ(InvalidArgument([&] {
              NameFilter(Opt("collector.x.include", "a"), "collector.x.",
                         refused);
            }),
            "");  // one pattern: no error
  // Both given is refused before a pattern is compiled.
  EXPECT_EQ(InvalidArgument([&] {
              NameFilter(CollectorOptions({{"collector.x.include", {"("}},
                                           {"collector.x.exclude", {"b"}}}),
                         "collector.x.", refused);
            }),
            "--collector.x.include and --collector.x.exclude are mutually "
            "exclusive");
  // Or after (node_exporter's interrupts names a bad pattern first).
  EXPECT_EQ(InvalidArgument([&] {
              NameFilter(CollectorOptions({{"collector.x.include", {"("}},
                                           {"collector.x.exclude", {"b"}}}),
                         "collector.x.",
                         NameFilter::Both::kRefusedOnceCompiled);
            }).rfind("--collector.x.include: invalid regular expression", 0),
            0u);
  EXPECT_EQ(InvalidArgument([&] {
              NameFilter(o, "collector.x.device-",
                         NameFilter::Both::kRefusedOnceCompiled);
            }),
            "--collector.x.device-include and "
            "--collector.x.device-exclude are mutually exclusive");
}

TEST(NameFilterTest, DeprecatedPrefixStandsInAndIsNamed) {
  const CollectorOptions old({{"collector.y.device-include", {"^e"}},
                              {"collector.x.device-exclude", {"1$"}}});
  const auto allowed = NameFilter::Both::kAllowed;
  const NameFilter f(old, "collector.x.device-", allowed,
                     "collector.y.device-");
  EXPECT_TRUE(f.Keeps("eth0"));
  EXPECT_FALSE(f.Keeps("lo"));
  EXPECT_EQ(InvalidArgument([&] {
              NameFilter(old, "collector.x.device-", NameFilter::Both::kRefused,
                         "collector.y.device-");
            }),
            "--collector.y.device-include and "
            "--collector.x.device-exclude are mutually exclusive");
  EXPECT_EQ(InvalidArgument([&] {
              NameFilter(
                  CollectorOptions({{"collector.y.device-include", {"a"}},
                                    {"collector.x.device-include", {"b"}}}),
                  "collector.x.device-", allowed, "collector.y.device-");
            }),
            "--collector.y.device-include and "
            "--collector.x.device-include are mutually exclusive");
  EXPECT_EQ(InvalidArgument([] {
              NameFilter(Opt("collector.x.device-exclude", "("),
                         "collector.x.device-");
            }).rfind("--collector.x.device-exclude: ", 0),
            0u);
}

TEST(FileReadTest, ErrorsNameThePathAndMissingIsNoData) {
  TempRoot root;
  const std::string present = root.Write("a", "text\n");
  const std::string absent = root.dir() + "/b";
  EXPECT_EQ(ReadWhole(present).Value(present), "text\n");
  EXPECT_EQ(ReadAttr(present).data, "text");
  EXPECT_EQ(ReadWhole(present).OrNoData(present), "text\n");
  FileRead missing = ReadWhole(absent);
  EXPECT_EQ(missing.error, ENOENT);
  EXPECT_TRUE(missing.missing());
  EXPECT_EQ(ReadWhole(absent).OrNoData(absent), std::nullopt);
  EXPECT_EQ(ReadFileIfExists(absent), std::nullopt);
  try {
    ReadFile(absent);
    FAIL() << "expected CollectError";
  } catch (const CollectError& e) {
    EXPECT_EQ(std::string(e.what()), absent + ": No such file or directory");
  }
  // A directory is not missing: an error, not "no data".
  EXPECT_THROW(ReadWhole(root.dir()).OrNoData(root.dir()), CollectError);
}

// A file of a renamable directory stays open in the one cache while the
// directory's stamp holds: rewritten in place it is read again, replaced it
// is still read through the kept descriptor until the stamp changes, and
// ForgetKeptUnder closes it. ReadPath does not use a stamped descriptor.
TEST(ReadPathStampedTest, KeptWhileTheStampHolds) {
  TempRoot root;
  const std::string dir = root.dir() + "/eth0";
  const std::string file = root.Write("eth0/mtu", "1500\n");
  struct stat st;
  ASSERT_EQ(::stat(dir.c_str(), &st), 0);
  const DirStamp stamp = DirStamp::Of(st);
  EXPECT_EQ(ReadPathStamped(file, stamp).data, "1500\n");
  EXPECT_EQ(CountKeptUnder(dir), 1u);
  root.Write("eth0/mtu", "1400\n");  // in place, same inode
  EXPECT_EQ(ReadPathStamped(file, stamp, 128).data, "1400\n");
  EXPECT_EQ(CountKeptUnder(dir), 1u);

  root.Write("eth0/mtu.new", "9000\n");
  std::filesystem::rename(dir + "/mtu.new", file);
  EXPECT_EQ(ReadPathStamped(file, stamp).data, "1400\n");  // kept
  EXPECT_EQ(ReadWhole(file).data, "9000\n");  // not the stamped one
  DirStamp other = stamp;
  other.ctime.tv_nsec ^= 1;
  EXPECT_EQ(ReadPathStamped(file, other).data, "9000\n");
  EXPECT_EQ(CountKeptUnder(dir), 1u);  // the stale one closed

  ForgetKeptUnder(dir);
  EXPECT_EQ(CountKeptUnder(dir), 0u);
  EXPECT_EQ(ReadPathStamped(dir + "/absent", other).error, ENOENT);
  EXPECT_EQ(CountKeptUnder(dir), 0u);
}

// Seconds since `path`'s change time, -1 if it cannot be stat'ed.
double ChangedSecondsAgo(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return -1;
  struct timespec now;
  ::clock_gettime(CLOCK_REALTIME, &now);
  return static_cast<double>(now.tv_sec - st.st_ctim.tv_sec) +
         static_cast<double>(now.tv_nsec - st.st_ctim.tv_nsec) * 1e-9;
}

// The change time of a directory, to see whether a rename changed it.
struct timespec ChangeTime(const std::string& path) {
  struct stat st {};
  ::stat(path.c_str(), &st);
  return st.st_ctim;
}

// Inside a DirStampScope, a file below the sysfs or procfs root that
// ReadPath would open afresh (here a fixture tree's regular file) is kept
// under its directory's stamp, one stat of the directory a scope; a change
// in place is read through the kept descriptor, a file renamed over it or
// removed changes the directory's stamp and is seen in the next scope.
// Outside a scope, and outside the roots, nothing is kept.
TEST(DirStampScopeTest, FixtureFilesKeptUnderTheirDirectory) {
  TempRoot root;
  const HostPaths paths = root.paths();
  const std::string dir = root.dir() + "/sys/class/hwmon/hwmon0";
  const std::string file =
      root.Write("sys/class/hwmon/hwmon0/temp1_input", "42000\n");
  const std::string elsewhere = root.Write("etc/hwmon0/name", "coretemp\n");
  constexpr std::chrono::nanoseconds kNow{0};  // every directory settled

  EXPECT_EQ(ReadPath(file).data, "42000\n");
  EXPECT_EQ(ReadPath(file).data, "42000\n");
  EXPECT_EQ(CountKeptUnder(dir), 0u);  // no scope
  {
    DirStampScope scope(paths, kNow);
    EXPECT_EQ(ReadPath(file).data, "42000\n");
    EXPECT_EQ(ReadPath(elsewhere).data, "coretemp\n");
    EXPECT_EQ(ReadPath(elsewhere).data, "coretemp\n");
  }
  EXPECT_EQ(CountKeptUnder(dir), 1u);
  EXPECT_EQ(CountKeptUnder(root.dir() + "/etc"), 0u);  // not below a root

  root.Write("sys/class/hwmon/hwmon0/temp1_input", "43000\n");  // in place
  {
    DirStampScope scope(paths, kNow);
    EXPECT_EQ(ReadPath(file, 128).data, "43000\n");
  }
  EXPECT_EQ(CountKeptUnder(dir), 1u);

  const struct timespec before = ChangeTime(dir);
  root.Write("sys/class/hwmon/hwmon0/temp1_input.new", "44000\n");
  std::filesystem::rename(file + ".new", file);
  const struct timespec after = ChangeTime(dir);
  if (before.tv_sec == after.tv_sec && before.tv_nsec == after.tv_nsec) {
    ForgetKeptUnder(root.dir());
    GTEST_SKIP() << "this filesystem's clock did not tick between two changes";
  }
  {
    DirStampScope scope(paths, kNow);
    EXPECT_EQ(ReadPath(file).data, "44000\n");
    EXPECT_EQ(ReadPath(file).data, "44000\n");
  }
  EXPECT_EQ(CountKeptUnder(dir), 1u);  // the replaced one closed

  std::filesystem::remove(file);
  {
    DirStampScope scope(paths, kNow);
    EXPECT_EQ(ReadPath(file).error, ENOENT);
  }
  EXPECT_EQ(CountKeptUnder(dir), 0u);
  ForgetKeptUnder(root.dir());
}

// A device that is gone is never read again: its kept descriptors are
// closed once they were not read for a while, not held for good.
TEST(DirStampScopeTest, FilesNotReadForAWhileAreClosed) {
  TempRoot root;
  const HostPaths paths = root.paths();
  const std::string dir = root.dir() + "/sys/class/power_supply/BAT1";
  const std::string file =
      root.Write("sys/class/power_supply/BAT1/status", "Full\n");
  for (int i = 0; i < 2; ++i) {
    DirStampScope scope(paths, std::chrono::nanoseconds(0));
    EXPECT_EQ(ReadPath(file).data, "Full\n");
  }
  EXPECT_EQ(CountKeptUnder(dir), 1u);
  CloseKeptIdleFor(std::chrono::hours(1));  // read just now: kept
  EXPECT_EQ(CountKeptUnder(dir), 1u);
  CloseKeptIdleFor(std::chrono::seconds(0));
  EXPECT_EQ(CountKeptUnder(dir), 0u);
  {
    DirStampScope scope(paths, std::chrono::nanoseconds(0));
    EXPECT_EQ(ReadPath(file).data, "Full\n");  // read afresh
  }
  ForgetKeptUnder(root.dir());
}

// A directory changed within `settled` of now may change again within the
// same tick of a coarse clock, unseen by its stamp: its files are read
// afresh and not kept.
TEST(DirStampScopeTest, RecentlyChangedDirectoryIsNotTrusted) {
  TempRoot root;
  const std::string dir = root.dir() + "/proc/spl/kstat/zfs";
  const std::string file = root.Write("proc/spl/kstat/zfs/arcstats", "1\n");
  for (int i = 0; i < 2; ++i) {
    const HostPaths paths = root.paths();
    DirStampScope scope(paths, std::chrono::hours(1));
    EXPECT_EQ(ReadPath(file).data, "1\n");
  }
  EXPECT_EQ(CountKeptUnder(dir), 0u);
  ForgetKeptUnder(root.dir());
}

// On sysfs a class device's attribute (not under devices/system/, which
// ReadPath keeps anyway) is kept under the stamp of the device's directory.
TEST(DirStampScopeTest, SysfsClassAttributeKept) {
  const std::string lo = "/sys/class/net/lo";
  if (ChangedSecondsAgo(lo) < 0) GTEST_SKIP() << "no " << lo;
  ForgetKeptUnder(lo);
  const std::string mtu = ReadUncached(lo + "/mtu").data;
  ASSERT_FALSE(mtu.empty());
  for (int i = 0; i < 2; ++i) {
    const HostPaths paths;
    DirStampScope scope(paths, std::chrono::nanoseconds(0));
    EXPECT_EQ(ReadPath(lo + "/mtu").data, mtu);
  }
  EXPECT_EQ(CountKeptUnder(lo), 1u);
  ForgetKeptUnder(lo);
}

// The names of a listing.
std::vector<std::string> Names(const DirRead& list) {
  std::vector<std::string> names;
  for (const DirEntry& e : list.entries) names.push_back(e.name);
  return names;
}

// A kept class directory stamps its entries relative to its descriptor as
// stat(2) of the full path would (the directory an entry leads to, or a
// directory below it): an entry renamed or re-created under it has another
// stamp. The directory itself renamed away and replaced is seen by the next
// Refresh(), which opens the new one: its entries are listed and stamped
// from it, not from the old one still open.
TEST(KeptDirTest, FollowsRenamesOfEntriesAndOfItself) {
  TempRoot root;
  root.Write("net/eth0/mtu", "1500\n");
  root.Write("net/eth1/mtu", "9000\n");
  root.Write("net/sda/queue/rotational", "1\n");
  const std::string net = root.dir() + "/net";
  KeptDir dir;
  EXPECT_EQ(dir.List().error, EBADF);  // nothing kept before Refresh()
  ASSERT_EQ(dir.Refresh(net), 0);
  EXPECT_EQ(Names(dir.List()),
            (std::vector<std::string>{"eth0", "eth1", "sda"}));
  DirStamp eth0, eth1, queue, s;
  ASSERT_EQ(dir.Stamp("eth0", &eth0), 0);
  ASSERT_EQ(dir.Stamp("eth1", &eth1), 0);
  ASSERT_EQ(dir.Stamp("sda", &queue, "queue"), 0);
  struct stat st;
  ASSERT_EQ(::stat((net + "/eth0").c_str(), &st), 0);
  EXPECT_EQ(DirStamp::Of(st), eth0);
  ASSERT_EQ(::stat((net + "/sda/queue").c_str(), &st), 0);
  EXPECT_EQ(DirStamp::Of(st), queue);
  EXPECT_FALSE(eth0 == eth1);

  // eth0 and eth1 swap names under the kept descriptor.
  std::filesystem::rename(net + "/eth0", net + "/tmp");
  std::filesystem::rename(net + "/eth1", net + "/eth0");
  std::filesystem::rename(net + "/tmp", net + "/eth1");
  ASSERT_EQ(dir.Refresh(net), 0);
  ASSERT_EQ(dir.Stamp("eth0", &s), 0);
  EXPECT_FALSE(s == eth0);
  EXPECT_EQ(s.ino, eth1.ino);
  ASSERT_EQ(dir.Stamp("eth1", &s), 0);
  EXPECT_EQ(s.ino, eth0.ino);

  // The class directory itself renamed away and another one made.
  std::filesystem::rename(net, root.dir() + "/net.old");
  root.Write("net/eth2/mtu", "1400\n");
  EXPECT_EQ(dir.Stamp("eth0", &s), 0);  // the old one, until Refresh()
  ASSERT_EQ(dir.Refresh(net), 0);
  EXPECT_EQ(Names(dir.List()), std::vector<std::string>{"eth2"});
  EXPECT_EQ(dir.Stamp("eth0", &s), ENOENT);
  EXPECT_EQ(dir.Stamp("eth2", &s), 0);
  EXPECT_EQ(dir.Stamp("eth2", &s, "queue"), ENOENT);

  // Gone: no data, and nothing is stamped through the old descriptor.
  std::filesystem::remove_all(net);
  EXPECT_EQ(dir.Refresh(net), ENOENT);
  EXPECT_EQ(dir.List().error, ENOENT);
  EXPECT_EQ(dir.Stamp("eth2", &s), ENOENT);
  EXPECT_EQ(dir.ListOrNoData(net), std::nullopt);
  // A file where the directory was: an error naming it.
  root.Write("net", "x");
  try {
    dir.ListOrNoData(net);
    FAIL() << "expected CollectError";
  } catch (const CollectError& e) {
    EXPECT_EQ(std::string(e.what()), net + ": Not a directory");
  }
}

// On sysfs an entry of a class directory is a symlink into /sys/devices/
// whose target is fixed for its life: its stamp is the symlink's own (no
// walk into /sys/devices/), as lstat(2) of the full path gives it.
TEST(KeptDirTest, StampsSysfsEntriesByTheirSymlink) {
  const std::string net = "/sys/class/net";
  KeptDir dir;
  if (dir.Refresh(net) != 0) GTEST_SKIP() << "no " << net;
  std::string link;
  for (const DirEntry& e : dir.List().entries) {
    if (e.kind == Kind::kSymlink) link = e.name;
  }
  if (link.empty()) GTEST_SKIP() << "no symlink in " << net;
  DirStamp s;
  ASSERT_EQ(dir.Stamp(link, &s), 0);
  struct stat st;
  ASSERT_EQ(::lstat((net + "/" + link).c_str(), &st), 0);
  EXPECT_EQ(DirStamp::Of(st), s);
  ASSERT_EQ(::stat((net + "/" + link).c_str(), &st), 0);
  EXPECT_NE(DirStamp::Of(st).ino, s.ino);  // not the device directory's
}

// DirListing lists as ReadDir() does: the same names in the same order,
// with the same kinds, "." and ".." left out; an error leaves it empty.
TEST(DirListingTest, ListsAsReadDir) {
  TempRoot root;
  root.Write("d/b-file", "x");
  root.Write("d/a-dir/f", "x");
  root.Write("d/c-a-name-longer-than-the-small-string-buffer", "x");
  const std::string d = root.dir() + "/d";
  std::filesystem::create_symlink("b-file", d + "/0-link");
  DirListing l;
  ASSERT_EQ(l.Read(d), 0);
  const DirRead want = ReadDir(d);
  ASSERT_TRUE(want.ok());
  ASSERT_EQ(l.size(), want.entries.size());
  ASSERT_EQ(l.size(), 4u);
  size_t i = 0;
  for (const DirListing::Entry e : l) {
    EXPECT_EQ(e.name, want.entries[i].name);
    EXPECT_EQ(e.kind, want.entries[i].kind);
    EXPECT_EQ(l.name(i), e.name);
    EXPECT_EQ(l.kind(i), e.kind);
    ++i;
  }
  EXPECT_EQ(l.kind(0), Kind::kSymlink);
  EXPECT_EQ(l.kind(1), Kind::kDirectory);
  EXPECT_EQ(l.kind(2), Kind::kRegular);
  // ForEachDirEntry gives the same entries, unsorted; ReadDirInto the same.
  std::vector<std::pair<std::string, Kind>> each;
  EXPECT_EQ(ForEachDirEntry(d,
                            [&](std::string_view name, Kind kind) {
                              each.emplace_back(std::string(name), kind);
                            }),
            0);
  std::sort(each.begin(), each.end());
  std::vector<DirEntry> into(7, DirEntry{"stale", Kind::kOther});
  ASSERT_EQ(ReadDirInto(d, &into), 0);
  ASSERT_EQ(each.size(), want.entries.size());
  ASSERT_EQ(into.size(), want.entries.size());
  for (size_t k = 0; k < each.size(); ++k) {
    EXPECT_EQ(each[k].first, want.entries[k].name);
    EXPECT_EQ(each[k].second, want.entries[k].kind);
    EXPECT_EQ(into[k].name, want.entries[k].name);
    EXPECT_EQ(into[k].kind, want.entries[k].kind);
  }
  // Errors: ReadDir's, the listing empty.
  EXPECT_EQ(l.Read(root.dir() + "/absent"), ENOENT);
  EXPECT_TRUE(l.empty());
  EXPECT_EQ(l.Read(d + "/b-file"), ENOTDIR);
  EXPECT_EQ(ReadDirInto(d + "/b-file", &into), ENOTDIR);
  EXPECT_TRUE(into.empty());
  EXPECT_EQ(ForEachDirEntry(d + "/absent", [](std::string_view, Kind) {}),
            ENOENT);
}

// A listing read again keeps its storage and compares equal to a copy of
// the last while nothing changed; an entry added or removed makes it
// differ, through a KeptDir as through a path.
TEST(DirListingTest, KeptListingFollowsAddedAndRemovedEntries) {
  TempRoot root;
  root.Write("d/a-name-longer-than-the-small-string-buffer", "x");
  root.Write("d/b", "x");
  const std::string d = root.dir() + "/d";
  KeptDir dir;
  DirListing l, planned;
  EXPECT_EQ(dir.List(&l), EBADF);  // nothing kept before Refresh()
  ASSERT_EQ(dir.List(d, &l), 0);
  planned = l;
  EXPECT_TRUE(l == planned);
  const char* storage = l.name(0).data();
  ASSERT_EQ(dir.List(d, &l), 0);
  EXPECT_TRUE(l == planned);
  EXPECT_EQ(l.name(0).data(), storage);  // the same storage, reused
  ASSERT_EQ(l.Read(d), 0);
  EXPECT_EQ(l.name(0).data(), storage);
  EXPECT_TRUE(l == planned);

  root.Write("d/c", "x");
  ASSERT_EQ(dir.List(d, &l), 0);
  EXPECT_FALSE(l == planned);
  ASSERT_EQ(l.size(), 3u);
  EXPECT_EQ(l.name(2), "c");
  planned = l;

  std::filesystem::remove(d + "/b");
  ASSERT_EQ(dir.List(d, &l), 0);
  EXPECT_FALSE(l == planned);
  ASSERT_EQ(l.size(), 2u);
  EXPECT_EQ(l.name(1), "c");

  // The same names with another kind differ too.
  planned = l;
  std::filesystem::remove(d + "/c");
  std::filesystem::create_directory(d + "/c");
  ASSERT_EQ(dir.List(d, &l), 0);
  EXPECT_FALSE(l == planned);

  // The directory gone: its error, the listing empty.
  std::filesystem::remove_all(d);
  EXPECT_EQ(dir.List(d, &l), ENOENT);
  EXPECT_TRUE(l.empty());
}

// KeptDir::Stamp() of an entry and of a directory below it, with a name
// too long for the small-string buffer, as stat(2) of the full path.
TEST(KeptDirTest, StampsLongNamesAsStat) {
  TempRoot root;
  const std::string name = "a-device-name-longer-than-sixteen-bytes";
  root.Write("c/" + name + "/queue/x", "1");
  const std::string c = root.dir() + "/c";
  KeptDir dir;
  ASSERT_EQ(dir.Refresh(c), 0);
  DirStamp s;
  struct stat st;
  ASSERT_EQ(dir.Stamp(name, &s), 0);
  ASSERT_EQ(::stat((c + "/" + name).c_str(), &st), 0);
  EXPECT_EQ(DirStamp::Of(st), s);
  ASSERT_EQ(dir.Stamp(name, &s, "queue"), 0);
  ASSERT_EQ(::stat((c + "/" + name + "/queue").c_str(), &st), 0);
  EXPECT_EQ(DirStamp::Of(st), s);
  EXPECT_EQ(dir.Stamp(name, &s, "absent"), ENOENT);
  EXPECT_EQ(dir.Stamp(name, &s, std::string(PATH_MAX, 'x')), ENAMETOOLONG);
}

// ReadPathInto gives what ReadPath gives, errors included, into the
// caller's buffer (its storage reused, emptied on an error).
TEST(ReadPathIntoTest, GivesWhatReadPathGives) {
  TempRoot root;
  const std::string big(40000, 'y');
  const std::string a = root.Write("a", "text\n");
  const std::string b = root.Write("b", big);
  std::string out = "stale";
  ASSERT_EQ(ReadPathInto(a, &out), 0);
  EXPECT_EQ(out, ReadPath(a).data);
  ASSERT_EQ(ReadPathInto(b, &out), 0);
  EXPECT_EQ(out, ReadPath(b).data);
  EXPECT_EQ(out, big);
  const char* storage = out.data();
  ASSERT_EQ(ReadPathInto(a, &out), 0);
  EXPECT_EQ(out, "text\n");
  EXPECT_EQ(out.data(), storage);  // the buffer's storage kept
  ASSERT_EQ(ReadPathInto(b, &out, 3), 0);
  EXPECT_EQ(out, ReadPath(b, 3).data);
  EXPECT_EQ(out, "yyy");
  for (const std::string& bad :
       {root.dir() + "/absent", a + "/x", root.dir()}) {
    const FileRead r = ReadPath(bad);
    EXPECT_NE(r.error, 0) << bad;
    out = "stale";
    EXPECT_EQ(ReadPathInto(bad, &out), r.error) << bad;
    EXPECT_TRUE(out.empty()) << bad;
  }
  // A kept procfs file reads the same.
  ASSERT_EQ(ReadPathInto("/proc/sys/kernel/ostype", &out), 0);
  EXPECT_EQ(out, ReadPath("/proc/sys/kernel/ostype").data);
  ASSERT_EQ(ReadPathInto("/proc/sys/kernel/ostype", &out), 0);
  EXPECT_EQ(out, ReadPath("/proc/sys/kernel/ostype").data);
}

// A file whose read fails with an error of what it shows (a sysfs
// attribute's EINVAL, the EIO of /proc/self/mem at address 0) keeps its
// descriptor: the error comes back on each read without an open and close.
TEST(ReadPathTest, AttributeErrorKeepsTheDescriptor) {
  const std::string mem = "/proc/self/mem";
  ForgetKeptUnder("/proc/self");
  EXPECT_EQ(ReadPath(mem, 128).error, EIO);
  EXPECT_EQ(CountKeptUnder("/proc/self"), 1u);
  EXPECT_EQ(ReadPath(mem, 128).error, EIO);  // through the kept one
  EXPECT_EQ(CountKeptUnder("/proc/self"), 1u);
  ForgetKeptUnder("/proc/self");

  // A virtual interface's speed (EINVAL), stamped as netclass reads it.
  const std::string lo = "/sys/class/net/lo";
  struct stat st;
  if (::stat(lo.c_str(), &st) != 0) GTEST_SKIP() << "no " << lo;
  const DirStamp stamp = DirStamp::Of(st);
  if (ReadPathStamped(lo + "/speed", stamp, 128).error != EINVAL) {
    ForgetKeptUnder(lo);
    GTEST_SKIP() << lo << "/speed does not fail with EINVAL here";
  }
  EXPECT_EQ(CountKeptUnder(lo), 1u);
  FileRead again = ReadPathStamped(lo + "/speed", stamp, 128);
  EXPECT_EQ(again.error, EINVAL);
  EXPECT_EQ(again.data, "");
  EXPECT_EQ(CountKeptUnder(lo), 1u);
  ForgetKeptUnder(lo);
}

// Read system calls of this thread so far (as of before this read), -1 if
// the kernel does not count them.
long ThreadReads() {
  const std::string io = ReadUncached("/proc/thread-self/io").data;
  const size_t at = io.find("syscr: ");
  return at == std::string::npos ? -1L : std::stol(io.substr(at + 7));
}

// A sysfs attribute (one show of at most a page) comes whole from one read
// into a larger buffer, so a short read is its end: one read system call,
// not a second one to find the end of the file.
TEST(ReadPathTest, SysfsAttributeIsOneRead) {
  const std::string online = "/sys/devices/system/cpu/online";
  if (!ReadPath(online).ok()) GTEST_SKIP() << "no " << online;  // now kept
  const long before = ThreadReads();
  if (before < 0) GTEST_SKIP() << "no syscr in /proc/thread-self/io";
  const long after_io = ThreadReads();
  const FileRead r = ReadPath(online);
  const long after = ThreadReads();
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r.data.empty());
  EXPECT_EQ((after - after_io) - (after_io - before), 1);
  // A procfs file with records keeps reading to the end (its reads may
  // stop short at its one-page buffer before the end).
  const std::string mountinfo = "/proc/self/mountinfo";
  const long before_proc = ThreadReads();
  ASSERT_TRUE(ReadPath(mountinfo).ok());
  const long after_proc = ThreadReads();
  EXPECT_GE((after_proc - before_proc) - (after_io - before), 2);
}

// A sysctl's handler formats its whole value into a buffer of the size
// asked, which the kernel zeroes for each read: a kept one is asked a page,
// and a short read is its end (one read system call, not a second one of
// 16 KB zeroed to find the end).
TEST(ReadPathTest, SysctlIsOneRead) {
  const std::string ostype = "/proc/sys/kernel/ostype";
  if (!ReadPath(ostype).ok()) GTEST_SKIP() << "no " << ostype;  // now kept
  const long before = ThreadReads();
  if (before < 0) GTEST_SKIP() << "no syscr in /proc/thread-self/io";
  const long after_io = ThreadReads();
  const FileRead r = ReadPath(ostype);
  const long after = ThreadReads();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.data, "Linux\n");
  EXPECT_EQ((after - after_io) - (after_io - before), 1);
  // A procfs file outside /proc/sys is read to the read that returns 0.
  const long before_stat = ThreadReads();
  ASSERT_TRUE(ReadPath("/proc/stat").ok());
  const long after_stat = ThreadReads();
  EXPECT_GE((after_stat - before_stat) - (after_io - before), 2);
}

// A procfs file of short records (/proc/net/udp) whose first read leaves
// room in its page for one more record is whole: one read system call.
TEST(ReadPathTest, RecordsFileShortOfAPageIsOneRead) {
  const std::string udp = "/proc/net/udp";
  const FileRead first = ReadRecords(udp, 512);  // now kept
  if (!first.ok()) GTEST_SKIP() << "no " << udp;
  if (first.data.size() + 512 > 4096) {
    GTEST_SKIP() << udp << " is too long here to be one read";
  }
  const long before = ThreadReads();
  if (before < 0) GTEST_SKIP() << "no syscr in /proc/thread-self/io";
  const long after_io = ThreadReads();
  const FileRead r = ReadRecords(udp, 512);
  const long after = ThreadReads();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.data.substr(0, r.data.find('\n')),
            first.data.substr(0, first.data.find('\n')));
  EXPECT_EQ((after - after_io) - (after_io - before), 1);
  // Without the bound it reads on to the read that returns 0.
  const long before_path = ThreadReads();
  ASSERT_TRUE(ReadPath(udp).ok());
  EXPECT_EQ((ThreadReads() - before_path) - (after_io - before), 2);
}

// A regular file of any size is read whole whatever the bound says.
TEST(ReadPathTest, RecordsBoundReadsARegularFileWhole) {
  TempRoot root;
  const std::string big(20000, 'x');
  root.Write("big", big);
  root.Write("mid", big.substr(0, 5000));
  EXPECT_EQ(ReadRecords(root.dir() + "/big", 512).data, big);
  EXPECT_EQ(ReadRecords(root.dir() + "/mid", 512).data, big.substr(0, 5000));
}

// A mount table outside procfs (a fixture tree) is read every time.
TEST(KeptMountTableTest, FixtureTableIsReadEveryTime) {
  TempRoot root;
  root.Write("proc/1/mountinfo", "first\n");
  const std::string path = root.dir() + "/proc/1/mountinfo";
  KeptMountTable table;
  std::string text;
  int error = -1;
  EXPECT_TRUE(table.Read(path, &text, &error));
  EXPECT_EQ(error, 0);
  EXPECT_EQ(text, "first\n");
  root.Write("proc/1/mountinfo", "second\n");
  EXPECT_TRUE(table.Read(path, &text, &error));
  EXPECT_EQ(text, "second\n");
  EXPECT_TRUE(table.Read(root.dir() + "/absent", &text, &error));
  EXPECT_EQ(error, ENOENT);
  EXPECT_EQ(text, "");
}

// procfs' table is read again only after a mount or unmount in its
// namespace: checked in a child in a mount namespace of its own (nothing
// else mounts there), which needs CAP_SYS_ADMIN.
TEST(KeptMountTableTest, ProcfsTableIsReadAgainOnlyAfterAMountChange) {
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    if (::unshare(CLONE_NEWNS) != 0 ||
        ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
      ::_exit(77);
    }
    char dir[] = "/tmp/kept-mount-XXXXXX";
    if (::mkdtemp(dir) == nullptr) ::_exit(10);
    const std::string path = "/proc/self/mountinfo";
    KeptMountTable table;
    std::string text;
    int error = 0;
    int code = 0;
    if (!table.Read(path, &text, &error) || error != 0) {
      code = 1;
    } else if (table.Read(path, &text, &error)) {
      code = 2;  // read again without a change
    } else if (::mount("none", dir, "tmpfs", 0, nullptr) != 0) {
      code = 77;
    } else if (!table.Read(path, &text, &error) ||
               text.find(dir) == std::string::npos) {
      code = 3;  // the mount not seen
    } else if (table.Read(path, &text, &error)) {
      code = 4;
    } else if (::umount(dir) != 0 || !table.Read(path, &text, &error) ||
               text.find(dir) != std::string::npos) {
      code = 5;  // the unmount not seen
    }
    ::rmdir(dir);
    ::_exit(code);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  if (WEXITSTATUS(status) == 77) {
    GTEST_SKIP() << "no mount namespace of our own here";
  }
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

// PID 1's files are kept (its mountinfo), other processes' are not.
TEST(ReadPathTest, KeepsPid1FilesButNotOtherProcesses) {
  const std::string self = "/proc/" + std::to_string(::getpid());
  ForgetKeptUnder(self);
  EXPECT_TRUE(ReadPath(self + "/mountinfo").ok());
  EXPECT_EQ(CountKeptUnder(self), 0u);
  ForgetKeptUnder("/proc/1");
  if (!ReadPath("/proc/1/mountinfo").ok()) {
    GTEST_SKIP() << "/proc/1/mountinfo cannot be read here";
  }
  EXPECT_EQ(CountKeptUnder("/proc/1"), 1u);
  EXPECT_TRUE(ReadPath("/proc/1/mountinfo").ok());
  EXPECT_EQ(CountKeptUnder("/proc/1"), 1u);
  ForgetKeptUnder("/proc/1");
}

TEST(ListOrNoDataTest, MissingDirectoryIsNoData) {
  TempRoot root;
  EXPECT_EQ(ListOrNoData(root.dir() + "/nothing"), std::nullopt);
  root.Write("d/y", "");
  root.Write("d/x", "");
  const auto list = ListOrNoData(root.dir() + "/d");
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].name, "x");
  EXPECT_EQ((*list)[0].kind, Kind::kRegular);
  EXPECT_EQ(ListDir(root.dir() + "/nothing"), std::vector<std::string>{});
  EXPECT_EQ(ListDir(root.dir() + "/d"), (std::vector<std::string>{"x", "y"}));
}

// The readers of a tree where an absent or denied part is "no data here":
// nullopt for it, the value otherwise, a CollectError naming the path for
// any other failure.
TEST(NoDataTest, AbsentPartIsNulloptNotAnException) {
  TempRoot root;
  const std::string attr = root.Write("d/attr", " live\n");
  EXPECT_EQ(AttrOrNoData(attr), "live");
  EXPECT_EQ(AttrOrNoData(root.dir() + "/d/absent"), std::nullopt);
  EXPECT_EQ(AttrOrNoData(attr + "/below_a_file"), std::nullopt);  // ENOTDIR
  EXPECT_EQ(DirOrNoData(root.dir() + "/absent"), std::nullopt);
  EXPECT_EQ(DirOrNoData(attr), std::nullopt);  // ENOTDIR
  const auto entries = DirOrNoData(root.dir() + "/d");
  ASSERT_TRUE(entries);
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ((*entries)[0].name, "attr");
  try {
    AttrOrNoData(root.dir() + "/d");  // EISDIR: an error, not "no data"
    ADD_FAILURE() << "no CollectError";
  } catch (const CollectError& e) {
    EXPECT_EQ(std::string(e.what()).find(root.dir() + "/d: "), 0u) << e.what();
  }
  EXPECT_TRUE(IsAbsentOrDenied(EACCES));
  EXPECT_TRUE(IsAbsentOrDenied(EPERM));
  EXPECT_FALSE(IsAbsentOrDenied(EIO));
}

TEST(IsPrefixDigitTest, GlobPrefixDigit) {
  EXPECT_TRUE(IsPrefixDigit("cpu0", "cpu"));
  EXPECT_TRUE(IsPrefixDigit("cpu12x", "cpu"));
  EXPECT_FALSE(IsPrefixDigit("cpu", "cpu"));
  EXPECT_FALSE(IsPrefixDigit("cpufreq", "cpu"));
  EXPECT_FALSE(IsPrefixDigit("xcpu0", "cpu"));
}

TEST(FamilySetTest, SortedAndInconsistentSeriesDropped) {
  FamilySet set;
  set.Gauge("b", "help b").Add({{"l", "1"}}, 1);
  set.Counter("a", "help a").Add(2);
  set.Gauge("b", "other help").Add({{"l", "2"}}, 3);  // dropped: help differs
  set.Counter("b", "help b").Add({{"l", "3"}}, 4);    // dropped: type differs
  set.Gauge("b", "help b").Add({{"l", "4"}}, 5);
  const Families fams = set.Take();
  ASSERT_EQ(fams.size(), 2u);
  EXPECT_EQ(fams[0].name, "a");
  EXPECT_EQ(fams[1].name, "b");
  EXPECT_EQ(Family(fams, "b").metric.size(), 2u);
  EXPECT_EQ(FindValue(fams, "b", {{"l", "4"}}), 5);
  EXPECT_FALSE(FindValue(fams, "b", {{"l", "2"}}));
  EXPECT_TRUE(set.Take().empty());
}

TEST(FamilySetTest, HandlesStayValidAndEmptyFamiliesAreNotOutput) {
  FamilySet set;
  auto& z = set.Gauge("z", "help z");
  auto& empty = set.Counter("e", "help e");
  for (int i = 0; i < 100; ++i) set.Gauge("m" + std::to_string(i), "h");
  auto& odd = set.Untyped("z", "another help");  // inconsistent
  z.Add({{"l", "1"}}, 1);
  odd.Add({{"l", "2"}}, 2);
  EXPECT_EQ(&set.Gauge("z", "help z"), &z);
  EXPECT_TRUE(empty.empty());
  const Families fams = set.Take();
  ASSERT_EQ(fams.size(), 1u);
  EXPECT_EQ(fams[0].name, "z");
  EXPECT_EQ(fams[0].type, prometheus::MetricType::Gauge);
  EXPECT_EQ(fams[0].metric.size(), 1u);
  // Take() forgets the families: the next cycle may type "z" anew.
  auto& again = set.Untyped("z", "another help");
  again.Add(3);
  const Families next = set.Take();
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].type, prometheus::MetricType::Untyped);
  EXPECT_EQ(next[0].metric.size(), 1u);
}

TEST(FamilySetTest, RecycledFamiliesAreReusedAndGiveTheSameOutput) {
  const std::string long_value(40, 'v');  // beyond the small-string buffer
  FamilySet set;
  auto& c = set.Counter("toolkit_test_recycled", "help");
  c.Add({{"device", long_value}, {"mode", "a"}}, 1);
  c.Add({{"device", long_value}, {"mode", "b"}}, 2);
  c.Add({{"device", long_value}, {"mode", "c"}}, 3);
  Families first = set.Take();
  ASSERT_EQ(first.size(), 1u);
  const char* kept = first[0].metric[0].label[0].value.data();
  RecycleFamilies(std::move(first));

  // The same name with another type, fewer series and labels: the strings
  // are reused, nothing of the first cycle shows.
  auto& g = set.Gauge("toolkit_test_recycled", "other help");
  g.Add({{"device", std::string(30, 'w')}}, 7);
  g.Add(8);
  const Families second = set.Take();
  ASSERT_EQ(second.size(), 1u);
  const auto& f = second[0];
  EXPECT_EQ(f.help, "other help");
  EXPECT_EQ(f.type, prometheus::MetricType::Gauge);
  ASSERT_EQ(f.metric.size(), 2u);
  ASSERT_EQ(f.metric[0].label.size(), 1u);
  EXPECT_EQ(f.metric[0].label[0].value.data(), kept);
  EXPECT_EQ(f.metric[0].label[0].value, std::string(30, 'w'));
  EXPECT_EQ(f.metric[0].gauge.value, 7);
  EXPECT_EQ(f.metric[0].counter.value, 0);  // the first cycle's value reset
  EXPECT_TRUE(f.metric[1].label.empty());
  EXPECT_EQ(f.metric[1].gauge.value, 8);
  EXPECT_EQ(f.metric[1].counter.value, 0);
}

TEST(FamilySetTest, RecyclingPoolForgetsNamesNotHandedBack) {
  auto one = [](const std::string& name) {
    FamilySet set;
    set.Gauge(name, "h").Add(1);
    return set.Take();
  };
  RecycleFamilies(one("toolkit_test_gone"));
  const size_t with = RecycledFamilies();
  RecycleFamilies(one("toolkit_test_kept"));
  EXPECT_EQ(RecycledFamilies(), with + 1);
  RecycleFamilies(one("toolkit_test_kept"));
  RecycleFamilies(one("toolkit_test_kept"));
  // "gone" was last handed back three calls ago: freed.
  EXPECT_EQ(RecycledFamilies(), 1u);
}

// One family's series as "name{l=v,...} value" lines, for comparing runs.
std::vector<std::string> Lines(const Families& fams) {
  std::vector<std::string> out;
  for (const auto& f : fams) {
    for (const auto& m : f.metric) {
      std::string line = f.name + "{";
      for (const auto& l : m.label) line += l.name + "=" + l.value + ",";
      out.push_back(line + "} " + std::to_string(SeriesValue(f, m)));
    }
  }
  return out;
}

// A set used for several runs learns the order of its calls: runs asking in
// last run's order, in another, with new, gone and inconsistent families
// give what a fresh set gives.
TEST(FamilySetTest, RunsInTheSameOrAnotherOrderGiveWhatAFreshSetGives) {
  using Call = std::pair<std::string, std::string>;  // name, help
  const std::vector<std::vector<Call>> runs = {
      {{"b", "h"}, {"a", "h"}, {"b", "h"}, {"c", "h"}},
      {{"b", "h"}, {"a", "h"}, {"b", "h"}, {"c", "h"}},      // the same
      {{"b", "h"}, {"a", "other"}, {"b", "h"}, {"c", "h"}},  // a: new help
      {{"b", "h"}, {"a", "h"}, {"d", "h"}, {"b", "h"}},      // c gone, d new
      {{"d", "h"}, {"b", "h"}, {"b", "x"}, {"a", "h"}},      // another order
      {{"d", "h"}},                                          // fewer
      {{"d", "h"}, {"b", "h"}, {"b", "x"}, {"a", "h"}, {"e", "h"}},
      {{"d", "h"}, {"b", "h"}, {"b", "x"}, {"a", "h"}, {"e", "h"}},
  };
  FamilySet kept;
  for (size_t r = 0; r < runs.size(); ++r) {
    FamilySet fresh;
    int value = 0;
    for (const auto& [name, help] : runs[r]) {
      ++value;
      const std::string v = std::to_string(value);
      kept.Gauge(name, help).Add({{"l", v}}, value);
      fresh.Gauge(name, help).Add({{"l", v}}, value);
    }
    EXPECT_EQ(Lines(kept.Take()), Lines(fresh.Take())) << "run " << r;
  }
}

// Within a collector's run (a FamilyPool::Scope) the first set uses the
// collector's pool: the families handed back are taken at the position
// they were output, their storage reused; a second set in the same run
// works without it.
TEST(FamilySetTest, ACollectorsPoolGivesBackItsFamilies) {
  const std::string long_value(40, 'v');  // beyond the small-string buffer
  FamilyPool pool;
  auto run = [&](int value, const char** kept_data) {
    FamilyPool::Scope scope(&pool);
    EXPECT_EQ(FamilyPool::Current(), &pool);
    FamilySet set;
    FamilySet second;  // not the pool's: the first set has it
    set.Counter("toolkit_test_pool_b", "help b").Add({{"d", long_value}}, 1);
    second.Gauge("toolkit_test_pool_second", "h").Add(value);
    auto& a = set.Gauge("toolkit_test_pool_a", "help a");
    a.Add({{"d", long_value}, {"m", "x"}}, value);
    a.Add({{"d", long_value}, {"m", "y"}}, value + 1);
    Families out = set.Take();
    EXPECT_EQ(second.Take().size(), 1u);
    if (kept_data) *kept_data = out[0].metric[1].label[0].value.data();
    return out;
  };
  const char* first_data = nullptr;
  Families first = run(1, &first_data);
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(FamilyPool::Current(), nullptr);
  const std::vector<std::string> first_lines = Lines(first);
  Families* batch = pool.Batch();
  for (auto& f : first) batch->push_back(std::move(f));
  pool.HandBack(batch);

  const char* second_data = nullptr;
  const Families second = run(1, &second_data);
  EXPECT_EQ(second_data, first_data);  // the label string reused
  EXPECT_EQ(Lines(second), first_lines);
  // Nothing handed back: new families, the same output.
  const Families third = run(1, nullptr);
  EXPECT_EQ(Lines(third), first_lines);
  const Families fourth = run(5, nullptr);
  EXPECT_EQ(
      FindValue(fourth, "toolkit_test_pool_a", {{"d", long_value}, {"m", "y"}}),
      6);
}

TEST(UntypedFieldsTest, FieldsInAnotherOrderOrNewOrGone) {
  std::vector<std::vector<UntypedField>> cycles = {
      {{"Ip", "Forwarding", "1"},
       {"Ip", "InReceives", "2"},
       {"", "pgfault", "3"}},
      {{"", "pgfault", "4"}, {"Ip", "Forwarding", "5"}, {"Tcp", "InSegs", "6"}},
      {{"Tcp", "InSegs", "7"}}};
  size_t cycle = 0;
  auto c = UntypedFieldsCollector(
      "node_x_", Filter("collector.x.fields", "^(Ip|Tcp|pg)"),
      [&](const HostPaths&, std::vector<UntypedField>* out) {
        out->insert(out->end(), cycles[cycle].begin(), cycles[cycle].end());
      },
      [](std::string_view g, std::string_view n) {
        return std::string(g) + "." + std::string(n);
      },
      RepeatedKey::kLast);
  const HostPaths paths = FixturePaths();
  Families f = c->Collect(paths);
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(FindValue(f, "node_x_Ip_InReceives", {}), 2);
  EXPECT_EQ(Family(f, "node_x_pgfault").help, ".pgfault");
  cycle = 1;
  f = c->Collect(paths);
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(FindValue(f, "node_x_pgfault", {}), 4);
  EXPECT_EQ(FindValue(f, "node_x_Ip_Forwarding", {}), 5);
  EXPECT_EQ(FindValue(f, "node_x_Tcp_InSegs", {}), 6);
  EXPECT_EQ(Family(f, "node_x_Tcp_InSegs").help, "Tcp.InSegs");
  cycle = 2;
  f = c->Collect(paths);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(FindValue(f, "node_x_Tcp_InSegs", {}), 7);
  cycle = 0;
  f = c->Collect(paths);
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(FindValue(f, "node_x_Ip_Forwarding", {}), 1);
}

// Keys that differ only where a group ends ("Ip" "InX" against "IpIn"
// "X"), fields without a group beside grouped ones, and a key given twice.
TEST(UntypedFieldsTest, KeysComparedWholeAndRepeatedKeys) {
  std::vector<UntypedField> fields = {
      {"Ip", "InX", "1"}, {"IpIn", "X", "2"}, {"", "Ip_InX", "3"},
      {"Tcp", "A", "4"},  {"Tcp", "A", "5"},  {"Tcp", "B", "junk"}};
  for (RepeatedKey repeated : {RepeatedKey::kLast, RepeatedKey::kEach}) {
    auto c = UntypedFieldsCollector(
        "node_x_", Filter("collector.x.fields", "^(Ip|Tcp_A)"),
        [&](const HostPaths&, std::vector<UntypedField>* out) {
          out->insert(out->end(), fields.begin(), fields.end());
        },
        [](std::string_view g, std::string_view n) {
          return std::string(g) + "." + std::string(n);
        },
        repeated);
    for (int cycle = 0; cycle < 2; ++cycle) {
      Families f = c->Collect(FixturePaths());
      ASSERT_EQ(f.size(), 3u);
      // "Ip_InX" twice: the family of its first field, and its help.
      EXPECT_EQ(Family(f, "node_x_Ip_InX").help, "Ip.InX");
      EXPECT_EQ(FindValue(f, "node_x_IpIn_X", {}), 2);
      const auto& a = Family(f, "node_x_Tcp_A");
      if (repeated == RepeatedKey::kLast) {
        ASSERT_EQ(a.metric.size(), 1u);
        EXPECT_EQ(a.metric[0].untyped.value, 5);
        EXPECT_EQ(FindValue(f, "node_x_Ip_InX", {}), 3);
      } else {
        ASSERT_EQ(a.metric.size(), 2u);
        EXPECT_EQ(a.metric[0].untyped.value, 4);
        EXPECT_EQ(a.metric[1].untyped.value, 5);
      }
    }
  }
  // An included field whose value is not a number (a reader's bug): an
  // error naming its family.
  fields.push_back({"Ip", "Bad", "x"});
  auto c = UntypedFieldsCollector(
      "node_x_", Filter("collector.x.fields", "^Ip"),
      [&](const HostPaths&, std::vector<UntypedField>* out) {
        out->insert(out->end(), fields.begin(), fields.end());
      },
      [](std::string_view, std::string_view) { return std::string("h"); },
      RepeatedKey::kLast);
  try {
    c->Collect(FixturePaths());
    ADD_FAILURE() << "no error";
  } catch (const CollectError& e) {
    EXPECT_EQ(std::string(e.what()),
              "node_x_Ip_Bad: value is not a number: 'x'");
  }
}

}  // namespace
}  // namespace host_exporter::testing
