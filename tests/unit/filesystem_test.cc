// The filesystem collector on the fixture root, scratch roots and a fake
// statfs().
#include "collectors/filesystem.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

#include "parse/mounts.h"
#include "tests/unit/collector_test_util.h"

namespace host_exporter::testing {
namespace {

const CollectorSpec& FilesystemSpec() { return *FindCollector("filesystem"); }

// Filesystem collector options: the defaults, with `overrides`.
CollectorOptions Options(
    const std::map<std::string, std::string>& overrides = {}) {
  CollectorOptions o = TestDefaultOptions(FilesystemSpec());
  for (const auto& [k, v] : overrides) o.Set(k, {v});
  return o;
}

// The series of `family` whose mountpoint label is `mount_point`.
size_t CountForMountPoint(const Families& fams, std::string_view family,
                          std::string_view mount_point) {
  const prometheus::MetricFamily* f = FindFamily(fams, family);
  if (f == nullptr) return 0;
  size_t n = 0;
  for (const auto& m : f->metric) {
    for (const auto& l : m.label) {
      if (l.name == "mountpoint" && l.value == mount_point) ++n;
    }
  }
  return n;
}

// A scratch root with procfs file `mounts_file` (e.g. "1/mounts"), removed
// afterwards.
// A root holding only <root>/proc/<mounts_file>.
class MountsRoot : public TempRoot {
 public:
  MountsRoot(const std::string& mounts_file, const std::string& text) {
    Write("proc/" + mounts_file, text);
  }
  const std::string& root() const { return dir(); }
};

// A fake statfs(): fixed numbers, per-path errors, a call log, and paths that
// block until released. Shared by pointer, since a blocked call outlives the
// collector that made it.
struct FakeStatfs {
  std::mutex mu;
  std::condition_variable cv;
  std::map<std::string, int> calls;
  std::map<std::string, int> errors;
  std::set<std::string> blocking;
  std::set<pid_t> threads;  // the threads that made the calls
  std::atomic<int> in_flight{0};

  int Stat(const std::string& path, FsUsage* out) {
    std::unique_lock<std::mutex> lock(mu);
    ++calls[path];
    threads.insert(::gettid());
    ++in_flight;
    cv.wait(lock, [&] { return blocking.count(path) == 0; });
    --in_flight;
    if (auto it = errors.find(path); it != errors.end()) return it->second;
    *out = {.blocks = 1000,
            .bfree = 400,
            .bavail = 300,
            .block_size = 4096,
            .files = 500,
            .ffree = 123};
    return 0;
  }
  int Calls(const std::string& path) {
    std::lock_guard<std::mutex> lock(mu);
    return calls[path];
  }
  void Release(const std::string& path) {
    std::lock_guard<std::mutex> lock(mu);
    blocking.erase(path);
    cv.notify_all();
  }
  // Waits (5 s at most) until no call is in flight.
  void WaitIdle() const {
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (in_flight.load() != 0 &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
};

std::unique_ptr<Collector> WithFake(
    const std::shared_ptr<FakeStatfs>& fake,
    const CollectorOptions& options = Options()) {
  return NewFilesystemCollector(options,
                                [fake](const std::string& path, FsUsage* out) {
                                  return fake->Stat(path, out);
                                });
}

Labels MountLabels(const std::string& device, const std::string& mount_point,
                   const std::string& fs_type) {
  return {{"device", device}, {"mountpoint", mount_point}, {"fstype", fs_type}};
}

// The value of the series of node_filesystem_<name> for one mount, or
// nullopt.
std::optional<double> MountValue(const Families& fams, const std::string& name,
                                 const std::string& device,
                                 const std::string& mount_point,
                                 const std::string& fs_type) {
  return FindValue(fams, "node_filesystem_" + name,
                   MountLabels(device, mount_point, fs_type));
}

// The number of threads of this process.
int ThreadCount() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("Threads:", 0) == 0) return std::stoi(line.substr(8));
  }
  return -1;
}

TEST(FilesystemCollectorTest, ExposesEveryFamilyOnTheFixture) {
  Families fams = RunCollector("filesystem");
  for (const char* name :
       {"node_filesystem_size_bytes", "node_filesystem_free_bytes",
        "node_filesystem_avail_bytes", "node_filesystem_files",
        "node_filesystem_files_free", "node_filesystem_readonly",
        "node_filesystem_device_error"}) {
    const prometheus::MetricFamily* f = FindFamily(fams, name);
    ASSERT_NE(f, nullptr) << name;
    EXPECT_EQ(f->type, prometheus::MetricType::Gauge) << name;
  }
  EXPECT_EQ(fams.size(), 7u);
  EXPECT_EQ(Family(fams, "node_filesystem_avail_bytes").help,
            "Filesystem space available to non-root users in bytes.");
}

TEST(FilesystemCollectorTest, FixtureMountsAreFilteredAndStatted) {
  Families fams = RunCollector("filesystem");
  // Reported: the real filesystems, once each; /mnt/archive's directory
  // does not exist under the fixture root, so its statfs() fails.
  const auto* errors = FindFamily(fams, "node_filesystem_device_error");
  ASSERT_NE(errors, nullptr);
  EXPECT_EQ(errors->metric.size(), 7u);
  EXPECT_EQ(
      MountValue(fams, "device_error", "/dev/mapper/vg0-root", "/", "ext4"), 0);
  EXPECT_EQ(
      MountValue(fams, "device_error", "/dev/sda2", "/mnt/backup disk", "ext4"),
      0);
  EXPECT_EQ(MountValue(fams, "device_error", "tmpfs", "/run", "tmpfs"), 0);
  EXPECT_EQ(MountValue(fams, "device_error", "nas.example.net:/export/archive",
                       "/mnt/archive", "nfs4"),
            1);
  // A failed statfs() gives device_error only, as in node_exporter 1.5.
  EXPECT_EQ(
      CountForMountPoint(fams, "node_filesystem_size_bytes", "/mnt/archive"),
      0u);
  EXPECT_EQ(
      CountForMountPoint(fams, "node_filesystem_readonly", "/mnt/archive"), 0u);
  // Read-only comes from the mount options.
  EXPECT_EQ(MountValue(fams, "readonly", "/dev/sda1", "/boot", "ext4"), 1);
  EXPECT_EQ(MountValue(fams, "readonly", "/dev/nvme0n1p1", "/srv/data", "xfs"),
            0);
  // Listed twice in the mount table, reported once.
  EXPECT_EQ(CountForMountPoint(fams, "node_filesystem_size_bytes", "/srv/data"),
            1u);
  // The real statfs() of the directory the fixture lives on.
  EXPECT_GT(
      *MountValue(fams, "size_bytes", "/dev/mapper/vg0-root", "/", "ext4"), 0);
  EXPECT_GT(*MountValue(fams, "files", "/dev/mapper/vg0-root", "/home", "ext4"),
            0);
  // Excluded by mount point (/dev, /proc, /sys, /run/credentials/...,
  // /var/lib/docker/...) or by type (devpts, cgroup2, overlay...).
  for (const char* mp : {"/dev", "/dev/pts", "/proc", "/sys", "/sys/fs/cgroup",
                         "/run/credentials/systemd-sysusers.service",
                         "/var/lib/docker/overlay2/5f1c2e/merged"}) {
    EXPECT_EQ(CountForMountPoint(fams, "node_filesystem_device_error", mp), 0u)
        << mp;
  }
}

// node_exporter 1.5 compiles the exclude flags as they are, and Go's empty
// regexp matches every string: an empty pattern excludes every mount.
TEST(FilesystemCollectorTest, EmptyExcludePatternExcludesEveryMount) {
  ASSERT_FALSE(RunCollector("filesystem").empty());
  EXPECT_TRUE(
      RunCollector("filesystem",
                   Options({{"collector.filesystem.mount-points-exclude", ""}}))
          .empty());
  EXPECT_TRUE(
      RunCollector("filesystem",
                   Options({{"collector.filesystem.fs-types-exclude", ""}}))
          .empty());
}

// node_exporter 1.9's include flags replace the default excludes: /proc
// (type proc) is reported when included, and only what is included.
TEST(FilesystemCollectorTest, IncludeFlagsReplaceTheDefaultExcludes) {
  Families fams = RunCollector(
      "filesystem", Options({{"collector.filesystem.mount-points-include",
                              "^/(proc|boot)$"}}));
  const auto* errors = FindFamily(fams, "node_filesystem_device_error");
  ASSERT_NE(errors, nullptr);
  EXPECT_EQ(errors->metric.size(), 1u);  // /proc is of an excluded type
  EXPECT_EQ(CountForMountPoint(fams, "node_filesystem_device_error", "/boot"),
            1u);
  fams = RunCollector(
      "filesystem",
      Options({{"collector.filesystem.fs-types-include", "^(proc|devpts)$"}}));
  EXPECT_EQ(CountForMountPoint(fams, "node_filesystem_device_error", "/"), 0u);
  EXPECT_EQ(CountForMountPoint(fams, "node_filesystem_device_error", "/proc"),
            0u);  // its mount point is excluded by default
  // An include and a non-default exclude of the same kind: refused.
  EXPECT_THROW(
      MakeCollector(
          "filesystem",
          Options({{"collector.filesystem.mount-points-include", "^/$"},
                   {"collector.filesystem.mount-points-exclude", "^/boot"}})),
      std::invalid_argument);
}

TEST(FilesystemCollectorTest, ValuesComeFromStatfs) {
  auto fake = std::make_shared<FakeStatfs>();
  Families fams = WithFake(fake)->Collect(FixturePaths());
  const Labels boot = MountLabels("/dev/sda1", "/boot", "ext4");
  EXPECT_EQ(FindValue(fams, "node_filesystem_size_bytes", boot), 1000 * 4096);
  EXPECT_EQ(FindValue(fams, "node_filesystem_free_bytes", boot), 400 * 4096);
  EXPECT_EQ(FindValue(fams, "node_filesystem_avail_bytes", boot), 300 * 4096);
  EXPECT_EQ(FindValue(fams, "node_filesystem_files", boot), 500);
  EXPECT_EQ(FindValue(fams, "node_filesystem_files_free", boot), 123);
  EXPECT_EQ(FindValue(fams, "node_filesystem_readonly", boot), 1);
  EXPECT_EQ(FindValue(fams, "node_filesystem_device_error", boot), 0);
  // Statted under the root path, each path once even if listed twice.
  EXPECT_EQ(fake->Calls(std::string(FIXTURE_ROOT) + "/boot"), 1);
  EXPECT_EQ(fake->Calls(std::string(FIXTURE_ROOT) + "/srv/data"), 1);
  EXPECT_EQ(fake->Calls(std::string(FIXTURE_ROOT) + "/mnt/backup disk"), 1);
  EXPECT_EQ(fake->Calls(FIXTURE_ROOT), 1);
}

TEST(FilesystemCollectorTest, StatfsErrorGivesDeviceErrorOnly) {
  auto fake = std::make_shared<FakeStatfs>();
  fake->errors[std::string(FIXTURE_ROOT) + "/home"] = EACCES;
  Families fams = WithFake(fake)->Collect(FixturePaths());
  const Labels home = MountLabels("/dev/mapper/vg0-root", "/home", "ext4");
  EXPECT_EQ(FindValue(fams, "node_filesystem_device_error", home), 1);
  EXPECT_FALSE(FindValue(fams, "node_filesystem_readonly", home));
  EXPECT_FALSE(FindValue(fams, "node_filesystem_size_bytes", home));
  EXPECT_EQ(
      MountValue(fams, "device_error", "/dev/mapper/vg0-root", "/", "ext4"), 0);
}

TEST(FilesystemCollectorTest, RepeatedMountKeepsTheOneOnTop) {
  MountsRoot root("1/mounts",
                  "/dev/sdb1 /data ext4 rw 0 0\n"
                  "/dev/sdb1 /data ext4 ro 0 0\n"
                  "/dev/sdc1 /data xfs rw 0 0\n");
  auto fake = std::make_shared<FakeStatfs>();
  Families fams = WithFake(fake)->Collect(root.paths());
  EXPECT_EQ(CountForMountPoint(fams, "node_filesystem_readonly", "/data"), 2u);
  EXPECT_EQ(MountValue(fams, "readonly", "/dev/sdb1", "/data", "ext4"), 1);
  // Over-mounted by another device: both reported, one statfs().
  EXPECT_EQ(MountValue(fams, "readonly", "/dev/sdc1", "/data", "xfs"), 0);
  EXPECT_EQ(fake->Calls(root.root() + "/data"), 1);
}

// The decisions kept between cycles, by mount point and fstype, follow the
// mount table: a changed entry is decided anew, one that comes back too.
TEST(FilesystemCollectorTest, KeptDecisionsFollowTheMountTable) {
  MountsRoot root("1/mountinfo", "");
  auto write = [&](const std::string& table) {
    root.Write("proc/1/mountinfo", table);
  };
  const std::string root_line =
      "23 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n";
  const std::string proc_line =
      "24 23 0:22 / /proc rw,nosuid shared:2 - proc proc rw\n";
  auto fake = std::make_shared<FakeStatfs>();
  auto c = WithFake(fake, Options({{kNodeExporterCompatKey, "1.9"}}));
  auto readonly = [&](const Families& f, const std::string& device,
                      const std::string& mount_point,
                      const std::string& fs_type) {
    return FindValue(f, "node_filesystem_readonly",
                     {{"device", device},
                      {"mountpoint", mount_point},
                      {"fstype", fs_type},
                      {"device_error", ""}});
  };
  write(root_line + proc_line +
        "25 23 8:17 / /my\\040data ro shared:3 - xfs /dev/sdb1 rw\n");
  for (int i = 0; i < 3; ++i) {
    Families f = c->Collect(root.paths());
    EXPECT_EQ(Family(f, "node_filesystem_readonly").metric.size(), 2u);
    EXPECT_EQ(readonly(f, "/dev/sda1", "/", "ext4"), 0);
    EXPECT_EQ(readonly(f, "/dev/sdb1", "/my data", "xfs"), 1);
    EXPECT_EQ(FindValue(f, "node_filesystem_mount_info",
                        {{"device", "/dev/sdb1"},
                         {"major", "8"},
                         {"minor", "17"},
                         {"mountpoint", "/my data"}}),
              1);
  }
  EXPECT_EQ(fake->Calls(root.root() + "/my data"), 3);
  // Its fstype is now excluded, /proc's device changed, a mount is added.
  write(root_line +
        "24 23 0:23 / /proc rw,nosuid shared:2 - proc other rw\n"
        "25 23 8:17 / /my\\040data ro shared:3 - squashfs /dev/sdb1 rw\n"
        "26 23 8:33 / /srv rw shared:4 - ext4 /dev/sdc1 rw\n");
  Families f = c->Collect(root.paths());
  EXPECT_EQ(Family(f, "node_filesystem_readonly").metric.size(), 2u);
  EXPECT_EQ(readonly(f, "/dev/sdc1", "/srv", "ext4"), 0);
  EXPECT_EQ(CountForMountPoint(f, "node_filesystem_readonly", "/my data"), 0u);
  EXPECT_EQ(fake->Calls(root.root() + "/my data"), 3);
  // Back as it was.
  write(root_line + proc_line +
        "25 23 8:17 / /my\\040data rw shared:3 - xfs /dev/sdb1 rw\n");
  f = c->Collect(root.paths());
  EXPECT_EQ(Family(f, "node_filesystem_readonly").metric.size(), 2u);
  EXPECT_EQ(readonly(f, "/dev/sdb1", "/my data", "xfs"), 0);
  EXPECT_EQ(CountForMountPoint(f, "node_filesystem_readonly", "/srv"), 0u);
}

TEST(FilesystemCollectorTest, FallsBackToProcMounts) {
  MountsRoot root("mounts", "/dev/sdb1 / ext4 rw 0 0\n");
  auto fake = std::make_shared<FakeStatfs>();
  Families fams = WithFake(fake)->Collect(root.paths());
  EXPECT_EQ(MountValue(fams, "device_error", "/dev/sdb1", "/", "ext4"), 0);
}

TEST(FilesystemCollectorTest, StripsTheRootPathFromMountPoints) {
  // In a container with the host's / at --path.rootfs, procfs shows the
  // host's mounts under it.
  MountsRoot root("1/mounts", "");
  const std::string r = root.root();
  std::ofstream(r + "/proc/1/mounts")
      << "overlay / overlay rw 0 0\n"
      << "/dev/sda1 " << r << " ext4 rw 0 0\n"
      << "/dev/sda2 " << r << "/srv ext4 ro 0 0\n"
      << "/dev/sda3 " << r << "x/other ext4 rw 0 0\n";
  auto fake = std::make_shared<FakeStatfs>();
  Families fams = WithFake(fake)->Collect(root.paths());
  EXPECT_EQ(MountValue(fams, "readonly", "/dev/sda1", "/", "ext4"), 0);
  EXPECT_EQ(MountValue(fams, "readonly", "/dev/sda2", "/srv", "ext4"), 1);
  // Only a whole path component is stripped.
  EXPECT_EQ(MountValue(fams, "readonly", "/dev/sda3", r + "x/other", "ext4"),
            0);
  EXPECT_EQ(fake->Calls(r), 1);
  EXPECT_EQ(fake->Calls(r + "/srv"), 1);
}

TEST(FilesystemCollectorTest, ExcludeFlags) {
  Families fams = RunCollector(
      "filesystem",
      Options({{"collector.filesystem.mount-points-exclude", "^/(boot|run)$"},
               {"collector.filesystem.fs-types-exclude", "^(nfs4|xfs)$"}}));
  for (const char* mp : {"/boot", "/run", "/srv/data", "/mnt/archive"}) {
    EXPECT_EQ(CountForMountPoint(fams, "node_filesystem_device_error", mp), 0u)
        << mp;
  }
  // The defaults are replaced, so /proc, /dev/pts, /run/credentials/...
  // are back.
  for (const char* mp :
       {"/", "/proc", "/dev/pts", "/run/credentials/systemd-sysusers.service",
        "/var/lib/docker/overlay2/5f1c2e/merged"}) {
    EXPECT_EQ(CountForMountPoint(fams, "node_filesystem_device_error", mp), 1u)
        << mp;
  }
}

TEST(FilesystemCollectorTest, DeprecatedFlagsStandInForTheNewOnes) {
  Families fams = RunCollector(
      "filesystem",
      Options({{"collector.filesystem.ignored-mount-points", "^/boot$"},
               {"collector.filesystem.ignored-fs-types", "^tmpfs$"}}));
  EXPECT_EQ(CountForMountPoint(fams, "node_filesystem_device_error", "/boot"),
            0u);
  EXPECT_EQ(CountForMountPoint(fams, "node_filesystem_device_error", "/run"),
            0u);
  // The new flags' default patterns no longer apply.
  EXPECT_EQ(CountForMountPoint(fams, "node_filesystem_device_error", "/proc"),
            1u);
  EXPECT_EQ(
      CountForMountPoint(fams, "node_filesystem_device_error", "/srv/data"),
      1u);
}

TEST(FilesystemCollectorTest, BadOptionsAreRejectedAtCreation) {
  auto fake = std::make_shared<FakeStatfs>();
  EXPECT_THROW(
      WithFake(fake,
               Options({{"collector.filesystem.ignored-mount-points", "^/a"},
                        {"collector.filesystem.mount-points-exclude", "^/b"}})),
      std::invalid_argument);
  EXPECT_THROW(
      WithFake(fake,
               Options({{"collector.filesystem.ignored-fs-types", "^a"},
                        {"collector.filesystem.fs-types-exclude", "^b"}})),
      std::invalid_argument);
  try {
    WithFake(fake, Options({{"collector.filesystem.mount-timeout", "5"}}));
    FAIL() << "expected invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()).rfind(
                  "--collector.filesystem.mount-timeout: ", 0),
              0u)
        << e.what();
  }
  EXPECT_THROW(
      WithFake(fake, Options({{"collector.filesystem.mount-timeout", "0s"}})),
      std::invalid_argument);
  EXPECT_THROW(
      WithFake(fake, Options({{"collector.filesystem.fs-types-exclude", "("}})),
      std::invalid_argument);
}

TEST(FilesystemCollectorTest, MissingMountTableIsACollectError) {
  try {
    RunCollector("filesystem", {}, FixturePaths("/nonexistent"));
    FAIL() << "expected CollectError";
  } catch (const CollectError& e) {
    EXPECT_EQ(std::string(e.what()),
              "/nonexistent/proc/mounts: No such file or directory");
  }
}

TEST(FilesystemCollectorTest, MalformedMountTableIsACollectErrorNamingIt) {
  MountsRoot root("1/mounts", "/dev/sda1 / ext4 rw 0 0\nbroken line\n");
  try {
    RunCollector("filesystem", {}, root.paths());
    FAIL() << "expected CollectError";
  } catch (const CollectError& e) {
    EXPECT_EQ(std::string(e.what()),
              root.root() +
                  "/proc/1/mounts: line 2: expected at least 4 fields, got 2");
  }
}

TEST(FilesystemCollectorTest, StuckMountIsSkippedUntilItsCallReturns) {
  MountsRoot root("1/mounts",
                  "/dev/sda1 /a ext4 rw 0 0\n"
                  "nas:/x /b nfs4 rw 0 0\n"
                  "/dev/sda3 /c ext4 ro 0 0\n");
  const std::string stuck_path = root.root() + "/b";
  auto fake = std::make_shared<FakeStatfs>();
  fake->blocking.insert(stuck_path);
  auto collector = WithFake(
      fake, Options({{"collector.filesystem.mount-timeout", "300ms"}}));
  const Labels a = MountLabels("/dev/sda1", "/a", "ext4");
  const Labels b = MountLabels("nas:/x", "/b", "nfs4");
  const Labels c = MountLabels("/dev/sda3", "/c", "ext4");

  // First run: waits out the timeout on /b, then carries on with /c.
  const auto start = std::chrono::steady_clock::now();
  Families fams = collector->Collect(root.paths());
  const auto first_run = std::chrono::steady_clock::now() - start;
  EXPECT_GE(first_run, std::chrono::milliseconds(300));
  EXPECT_LT(first_run, std::chrono::seconds(5));
  EXPECT_EQ(FindValue(fams, "node_filesystem_device_error", b), 1);
  EXPECT_FALSE(FindValue(fams, "node_filesystem_size_bytes", b));
  EXPECT_EQ(FindValue(fams, "node_filesystem_device_error", a), 0);
  EXPECT_EQ(FindValue(fams, "node_filesystem_device_error", c), 0);
  EXPECT_EQ(FindValue(fams, "node_filesystem_readonly", c), 1);
  EXPECT_EQ(fake->Calls(stuck_path), 1);
  const int threads = ThreadCount();

  // While the call hangs: reported at once, never statted again, no new
  // thread left behind.
  for (int i = 0; i < 3; ++i) {
    const auto again = std::chrono::steady_clock::now();
    fams = collector->Collect(root.paths());
    EXPECT_LT(std::chrono::steady_clock::now() - again,
              std::chrono::milliseconds(250));
    EXPECT_EQ(FindValue(fams, "node_filesystem_device_error", b), 1);
    EXPECT_EQ(FindValue(fams, "node_filesystem_device_error", a), 0);
  }
  EXPECT_EQ(fake->Calls(stuck_path), 1);
  EXPECT_EQ(fake->Calls(root.root() + "/a"), 4);
  EXPECT_EQ(fake->in_flight.load(), 1);
  EXPECT_EQ(ThreadCount(), threads);

  // The server comes back: once the hung call returns, /b is statted again.
  fake->Release(stuck_path);
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(5);
  do {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    fams = collector->Collect(root.paths());
  } while (FindValue(fams, "node_filesystem_device_error", b) != 0 &&
           std::chrono::steady_clock::now() < deadline);
  EXPECT_EQ(FindValue(fams, "node_filesystem_device_error", b), 0);
  EXPECT_EQ(FindValue(fams, "node_filesystem_size_bytes", b), 1000 * 4096);
  EXPECT_EQ(fake->Calls(stuck_path), 2);
  EXPECT_EQ(fake->in_flight.load(), 0);
}

TEST(FilesystemCollectorTest, OneHelperThreadMakesTheCallsOfEveryCycle) {
  MountsRoot root("1/mounts",
                  "/dev/sda1 /a ext4 rw 0 0\n"
                  "/dev/sda2 /b ext4 rw 0 0\n");
  auto fake = std::make_shared<FakeStatfs>();
  auto collector = WithFake(fake);
  for (int i = 0; i < 5; ++i) {
    Families fams = collector->Collect(root.paths());
    EXPECT_EQ(MountValue(fams, "device_error", "/dev/sda2", "/b", "ext4"), 0);
  }
  EXPECT_EQ(fake->Calls(root.root() + "/a"), 5);
  std::lock_guard<std::mutex> lock(fake->mu);
  // Not a thread started per cycle: the same helper made all ten calls.
  EXPECT_EQ(fake->threads.size(), 1u);
  EXPECT_EQ(fake->threads.count(::gettid()), 0u);
}

TEST(FilesystemCollectorTest, AHelperStuckInACallIsReplacedOnce) {
  MountsRoot root("1/mounts",
                  "/dev/sda1 /a ext4 rw 0 0\n"
                  "nas:/x /b nfs4 rw 0 0\n");
  const std::string stuck_path = root.root() + "/b";
  auto fake = std::make_shared<FakeStatfs>();
  fake->blocking.insert(stuck_path);
  auto collector =
      WithFake(fake, Options({{"collector.filesystem.mount-timeout", "50ms"}}));
  for (int i = 0; i < 4; ++i) collector->Collect(root.paths());
  EXPECT_EQ(fake->Calls(stuck_path), 1);
  EXPECT_EQ(fake->Calls(root.root() + "/a"), 4);
  {
    // The first helper hangs in /b; its replacement serves cycles 2 to 4.
    std::lock_guard<std::mutex> lock(fake->mu);
    EXPECT_EQ(fake->threads.size(), 2u);
  }
  fake->Release(stuck_path);
  fake->WaitIdle();
}

TEST(FilesystemCollectorTest, SeveralHungMountsCostAboutTwoTimeouts) {
  MountsRoot root("1/mounts",
                  "/dev/sda1 /a ext4 rw 0 0\n"
                  "nas:/b /b nfs4 rw 0 0\n"
                  "nas:/c /c nfs4 rw 0 0\n"
                  "nas:/d /d nfs4 rw 0 0\n"
                  "nas:/e /e nfs4 rw 0 0\n"
                  "/dev/sda6 /f ext4 rw 0 0\n");
  auto fake = std::make_shared<FakeStatfs>();
  const std::vector<std::string> hung = {"/b", "/c", "/d", "/e"};
  for (const std::string& mp : hung) fake->blocking.insert(root.root() + mp);
  auto collector = WithFake(
      fake, Options({{"collector.filesystem.mount-timeout", "200ms"}}));

  // One after the other this would take 4 x 200ms.
  const auto start = std::chrono::steady_clock::now();
  Families fams = collector->Collect(root.paths());
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_GE(took, std::chrono::milliseconds(400));
  EXPECT_LT(took, std::chrono::milliseconds(750));
  for (const std::string& mp : hung) {
    EXPECT_EQ(MountValue(fams, "device_error", "nas:" + mp, mp, "nfs4"), 1)
        << mp;
  }
  EXPECT_EQ(MountValue(fams, "device_error", "/dev/sda6", "/f", "ext4"), 0);
  EXPECT_EQ(fake->in_flight.load(), 4);

  for (const std::string& mp : hung) fake->Release(root.root() + mp);
  fake->WaitIdle();
  EXPECT_EQ(fake->in_flight.load(), 0);
}

TEST(FilesystemCollectorTest, StuckCallMayOutliveItsCollector) {
  MountsRoot root("1/mounts", "nas:/x /b nfs4 rw 0 0\n");
  const std::string stuck_path = root.root() + "/b";
  auto fake = std::make_shared<FakeStatfs>();
  fake->blocking.insert(stuck_path);
  {
    auto collector = WithFake(
        fake, Options({{"collector.filesystem.mount-timeout", "20ms"}}));
    Families fams = collector->Collect(root.paths());
    EXPECT_EQ(MountValue(fams, "device_error", "nas:/x", "/b", "nfs4"), 1);
  }
  // The collector is gone; its helper thread returns cleanly.
  fake->Release(stuck_path);
  fake->WaitIdle();
  EXPECT_EQ(fake->in_flight.load(), 0);
}

}  // namespace
}  // namespace host_exporter::testing
