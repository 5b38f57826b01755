// filesystem: node_filesystem_* for every mount in procfs 1/mountinfo
// (falling back to procfs self/mountinfo), from statfs(2) on the mount point
// under the root path, as node_exporter 1.9: a "device_error" label (the
// statfs error, "" without one) on every family but
// node_filesystem_mount_info{device,major,minor,mountpoint}. With
// --compat.node-exporter=1.5, as 1.5: the mounts of procfs 1/mounts (else
// procfs mounts), no device_error label nor mount_info, and a mount that
// cannot be statted has node_filesystem_device_error only (1.9 adds
// node_filesystem_readonly).
//
// A statfs() on a dead network filesystem can block for minutes. The calls
// run on a long-lived helper thread, one per collector, that makes every
// cycle's calls (no thread is started per cycle); one still running after
// --collector.filesystem.mount-timeout is left to its thread, which leaves
// once that call returns, and a new helper takes its place. The mount point
// is reported with device_error 1 and is not statted again until that call
// returns. So a hung mount costs one parked thread, never a hung collector
// nor a pile of threads, and a collection takes at most about two timeouts
// however many servers die at once.
#include "collectors/filesystem.h"

#include <pthread.h>
#include <sys/statfs.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <regex>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "collectors/toolkit.h"
#include "host_exporter/family.h"
#include "parse/duration.h"
#include "parse/mounts.h"
#include "parse/mountstats.h"

namespace host_exporter {
namespace {

constexpr char kMountPointsFlag[] = "collector.filesystem.mount-points-exclude";
constexpr char kFsTypesFlag[] = "collector.filesystem.fs-types-exclude";
// node_exporter 1.9's includes: given, they replace the default exclude.
constexpr char kMountPointsIncludeFlag[] =
    "collector.filesystem.mount-points-include";
constexpr char kFsTypesIncludeFlag[] = "collector.filesystem.fs-types-include";
constexpr char kTimeoutFlag[] = "collector.filesystem.mount-timeout";
constexpr char kOldMountPointsFlag[] =
    "collector.filesystem.ignored-mount-points";
constexpr char kOldFsTypesFlag[] = "collector.filesystem.ignored-fs-types";

constexpr char kDefaultMountPoints[] =
    "^/(dev|proc|run/credentials/.+|sys|var/lib/docker/.+|var/lib/containers/"
    "storage/.+)($|/)";
constexpr char kDefaultFsTypes[] =
    "^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|"
    "fusectl|hugetlbfs|iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_"
    "pipefs|securityfs|selinuxfs|squashfs|sysfs|tracefs)$";

// Paths whose statfs() was given up on and has not returned yet. Shared with
// the helper threads: the one stuck on a path removes it when its call
// finally returns, whether or not the collector still exists.
struct StuckPaths {
  std::mutex mu;
  std::set<std::string> paths;
};

// The calls one helper thread makes, in order, and their answers. Shared
// between the collector and the thread; guarded by `mu`.
struct StatBatch {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::string> paths;
  std::vector<int> errors;  // errno of each finished call, 0 for success
  std::vector<FsUsage> usages;
  size_t done = 0;         // calls finished so far
  bool abandoned = false;  // the collector gave up on call `done`
};

// Makes the calls of one batch. Stops at the call the collector gave up on,
// un-sticking its path once it returns, and returns false then.
bool RunBatch(const std::shared_ptr<StatBatch>& batch,
              const std::shared_ptr<StuckPaths>& stuck,
              const StatfsFunc& statfs) {
  for (size_t i = 0; i < batch->paths.size(); ++i) {
    FsUsage usage;
    int err;
    try {
      err = statfs(batch->paths[i], &usage);
    } catch (...) {  // an exception must not escape a detached thread
      err = EIO;
    }
    std::lock_guard<std::mutex> lock(batch->mu);
    if (batch->abandoned) {
      std::lock_guard<std::mutex> stuck_lock(stuck->mu);
      stuck->paths.erase(batch->paths[i]);
      return false;
    }
    batch->errors[i] = err;
    batch->usages[i] = usage;
    batch->done = i + 1;
    batch->cv.notify_all();
  }
  return true;
}

// A helper thread that runs the batches handed to it, one after the other,
// until it is told to quit or a batch is abandoned (it then leaves once the
// hung call returns). Shared between the collector and the thread.
struct StatWorker {
  std::mutex mu;
  std::condition_variable cv;       // a batch was handed over, or quit
  std::shared_ptr<StatBatch> next;  // the batch to run
  bool quit = false;
};

void RunWorker(std::shared_ptr<StatWorker> worker,
               std::shared_ptr<StuckPaths> stuck, StatfsFunc statfs) {
  pthread_setname_np(pthread_self(), "statfs");
  while (true) {
    std::shared_ptr<StatBatch> batch;
    {
      std::unique_lock<std::mutex> lock(worker->mu);
      worker->cv.wait(lock, [&] { return worker->quit || worker->next; });
      if (!worker->next) return;
      batch = std::move(worker->next);
    }
    try {
      if (!RunBatch(batch, stuck, statfs)) return;
    } catch (...) {  // an exception must not escape the thread
      return;
    }
  }
}

// The answer for one path: usage, or an error (errno, or stuck).
struct StatOutcome {
  bool stuck = false;
  int error = 0;
  FsUsage usage;
  bool ok() const { return !stuck && error == 0; }
};

// One mount to report.
struct Mount {
  std::string device;
  std::string major, minor;  // from mountinfo (node_exporter 1.9)
  std::string mount_point;   // host path, without the rootfs prefix
  std::string fs_type;
  bool read_only = false;
  std::string stat_path;  // mount_point under the rootfs
};

// node_exporter's rootfsStripPrefix: when running with --path.rootfs=/host
// in a container, mounts read from procfs show the host's mounts under
// /host. Unlike node_exporter, only a whole path component is stripped
// ("/hostdata" stays as is).
std::string StripRoot(std::string_view rootfs, const std::string& mp) {
  while (rootfs.size() > 1 && rootfs.back() == '/') rootfs.remove_suffix(1);
  if (rootfs.empty() || rootfs == "/") return mp;
  if (mp == rootfs) return "/";
  if (mp.size() > rootfs.size() && mp.starts_with(rootfs) &&
      mp[rootfs.size()] == '/') {
    return mp.substr(rootfs.size());
  }
  return mp;
}

// procfs 1/mounts (the host's mount namespace when we run in a container
// with the host's PID namespace), else procfs mounts (1/mounts is hidden
// with hidepid).
std::vector<parse::MountEntry> ReadMounts(const HostPaths& paths) {
  std::string path = paths.Proc("1/mounts");
  std::optional<std::string> text = ReadFileIfExists(path);
  if (!text) {
    path = paths.Proc("mounts");
    text = ReadFile(path);
  }
  return Unwrap(parse::ParseMounts(*text), path);
}

// node_exporter 1.9's mount table: procfs 1/mountinfo, else procfs
// self/mountinfo; "major:minor" by mount.
std::vector<parse::MountEntry> ReadMountInfo(
    const HostPaths& paths,
    std::vector<std::pair<std::string, std::string>>* devices) {
  std::string path = paths.Proc("1/mountinfo");
  std::optional<std::string> text = ReadFileIfExists(path);
  if (!text) {
    path = paths.Proc("self/mountinfo");
    text = ReadFile(path);
  }
  std::vector<parse::MountEntry> out;
  for (parse::MountInfoEntry& e : Unwrap(parse::ParseMountInfo(*text), path)) {
    const size_t colon = e.major_minor.find(':');
    auto major = parse::ParseU64(e.major_minor.substr(0, colon));
    auto minor = colon == std::string::npos
                     ? std::nullopt
                     : parse::ParseU64(e.major_minor.substr(colon + 1));
    if (!major || !minor) {
      throw CollectError(
          path + ": malformed mount point information: " + e.major_minor);
    }
    devices->emplace_back(std::to_string(*major), std::to_string(*minor));
    out.push_back({std::move(e.source),
                   parse::UnescapeMountField(e.mount_point),
                   std::move(e.fs_type), std::move(e.options)});
  }
  return out;
}

// A statfs() error as node_exporter 1.9's device_error label shows it (Go's
// error text: strerror(3) with a lower-case first letter).
std::string ErrorLabel(const StatOutcome& o) {
  if (o.stuck) return "mountpoint timeout";
  std::string s = std::strerror(o.error);
  if (!s.empty() && s[0] >= 'A' && s[0] <= 'Z')
    s[0] = static_cast<char>(s[0] - 'A' + 'a');
  return s;
}

class FilesystemCollector : public Collector {
 public:
  FilesystemCollector(Filter mount_points_exclude, Filter fs_types_exclude,
                      Filter mount_points_include, Filter fs_types_include,
                      std::chrono::nanoseconds timeout, StatfsFunc statfs,
                      bool ne15)
      : ne15_(ne15),
        mount_points_exclude_(std::move(mount_points_exclude)),
        fs_types_exclude_(std::move(fs_types_exclude)),
        mount_points_include_(std::move(mount_points_include)),
        fs_types_include_(std::move(fs_types_include)),
        timeout_(timeout),
        statfs_(std::move(statfs)),
        stuck_(std::make_shared<StuckPaths>()) {}

  ~FilesystemCollector() override {
    if (!worker_) return;
    {
      std::lock_guard<std::mutex> lock(worker_->mu);
      worker_->quit = true;
    }
    worker_->cv.notify_one();
    worker_thread_.join();  // idle: Collect() never leaves a batch running
  }

  Families Collect(const HostPaths& paths) override {
    FamilySet out;
    const std::vector<Mount> mounts = SelectMounts(paths);

    // Each distinct path is statted once (over-mounts share a mount point).
    std::vector<std::string> stat_paths;
    std::map<std::string, size_t> index;
    for (const Mount& m : mounts) {
      if (index.emplace(m.stat_path, stat_paths.size()).second) {
        stat_paths.push_back(m.stat_path);
      }
    }
    const std::vector<StatOutcome> outcomes = StatAll(stat_paths);

    static constexpr FamilyDef kFamilies[] = {
        {"node_filesystem_size_bytes", "Filesystem size in bytes.", kGauge},
        {"node_filesystem_free_bytes", "Filesystem free space in bytes.",
         kGauge},
        {"node_filesystem_avail_bytes",
         "Filesystem space available to non-root users in bytes.", kGauge},
        {"node_filesystem_files", "Filesystem total file nodes.", kGauge},
        {"node_filesystem_files_free", "Filesystem total free file nodes.",
         kGauge},
        {"node_filesystem_readonly", "Filesystem read-only status.", kGauge},
        {"node_filesystem_device_error",
         "Whether an error occurred while getting statistics for the "
         "given device.",
         kGauge},
    };
    const auto [size, free, avail, files, files_free, readonly, device_error] =
        out.Handles(kFamilies);
    FamilyBuilder* mount_info =
        ne15_ ? nullptr
              : &out.Gauge("node_filesystem_mount_info",
                           "Filesystem mount information.");

    for (const Mount& m : mounts) {
      const StatOutcome& o = outcomes[index.at(m.stat_path)];
      Labels labels = {{"device", m.device},
                       {"mountpoint", m.mount_point},
                       {"fstype", m.fs_type}};
      if (!ne15_)
        labels.push_back({"device_error", o.ok() ? "" : ErrorLabel(o)});
      device_error->Add(labels, o.ok() ? 0 : 1);
      // A mount that cannot be statted gets device_error 1 and nothing
      // else in node_exporter 1.5; 1.9 adds its read-only status.
      if (!o.ok()) {
        if (!ne15_) readonly->Add(labels, m.read_only ? 1 : 0);
        continue;
      }
      const double bsize = static_cast<double>(o.usage.block_size);
      size->Add(labels, static_cast<double>(o.usage.blocks) * bsize);
      free->Add(labels, static_cast<double>(o.usage.bfree) * bsize);
      avail->Add(labels, static_cast<double>(o.usage.bavail) * bsize);
      files->Add(labels, static_cast<double>(o.usage.files));
      files_free->Add(labels, static_cast<double>(o.usage.ffree));
      readonly->Add(labels, m.read_only ? 1 : 0);
      if (mount_info) {
        mount_info->Add({{"device", m.device},
                         {"major", m.major},
                         {"minor", m.minor},
                         {"mountpoint", m.mount_point}},
                        1);
      }
    }

    return out.Take();
  }

 private:
  // The mounts to report: not excluded, and each (device, mount point) once.
  // A repeated pair (a bind mount of a directory onto itself, a mount
  // repeated over itself) keeps the last entry, the one on top, whose
  // options are in effect. node_exporter 1.5 would emit it twice when the
  // options differ, and the scrape would fail on the duplicate series.
  std::vector<Mount> SelectMounts(const HostPaths& paths) const {
    std::vector<Mount> out;
    std::map<std::pair<std::string, std::string>, size_t> seen;
    std::vector<std::pair<std::string, std::string>> devices;
    std::vector<parse::MountEntry> entries =
        ne15_ ? ReadMounts(paths) : ReadMountInfo(paths, &devices);
    for (size_t i = 0; i < entries.size(); ++i) {
      parse::MountEntry& e = entries[i];
      Mount m;
      if (i < devices.size()) std::tie(m.major, m.minor) = devices[i];
      m.mount_point = StripRoot(paths.rootfs, e.mount_point);
      // node_exporter compiles these flags as given, and Go's empty regexp
      // matches everything: an empty pattern excludes every mount (unlike
      // Filter's "no filter"). An include pattern replaces the exclude one.
      const bool mount_point_ok =
          mount_points_include_.active()
              ? mount_points_include_.Includes(m.mount_point)
              : mount_points_exclude_.active() &&
                    !mount_points_exclude_.Excludes(m.mount_point);
      const bool fs_type_ok = fs_types_include_.active()
                                  ? fs_types_include_.Includes(e.fs_type)
                                  : fs_types_exclude_.active() &&
                                        !fs_types_exclude_.Excludes(e.fs_type);
      if (!mount_point_ok || !fs_type_ok) continue;
      m.device = std::move(e.device);
      m.fs_type = std::move(e.fs_type);
      m.read_only = parse::HasMountOption(e.options, "ro");
      m.stat_path = paths.Root(m.mount_point);
      auto [it, inserted] =
          seen.emplace(std::make_pair(m.device, m.mount_point), out.size());
      if (inserted) {
        out.push_back(std::move(m));
      } else {
        out[it->second] = std::move(m);
      }
    }
    return out;
  }

  // statfs() on each path, on helper threads. Paths still stuck from an
  // earlier collection are not retried. Normally the collector's helper
  // thread makes all the calls in turn, each given timeout_. Once one hangs,
  // the rest get a thread each and one shared deadline, so several dead
  // servers cost one timeout more rather than one timeout each.
  std::vector<StatOutcome> StatAll(const std::vector<std::string>& paths) {
    std::vector<StatOutcome> out(paths.size());
    std::vector<size_t> todo;  // indexes into paths
    {
      std::lock_guard<std::mutex> lock(stuck_->mu);
      for (size_t i = 0; i < paths.size(); ++i) {
        if (stuck_->paths.count(paths[i]) > 0) {
          out[i].stuck = true;
        } else {
          todo.push_back(i);
        }
      }
    }
    if (todo.empty()) return out;

    // Phase 1: the helper thread, in order.
    std::vector<std::string> batch_paths;
    for (size_t t : todo) batch_paths.push_back(paths[t]);
    std::shared_ptr<StatBatch> first = HandToWorker(std::move(batch_paths));
    size_t hung = 0;  // the call that hung, if any
    {
      std::unique_lock<std::mutex> lock(first->mu);
      for (; hung < todo.size(); ++hung) {
        // The wait starts no earlier than the call did, so a call is only
        // given up on after it really ran for the whole timeout.
        if (!first->cv.wait_for(lock, timeout_,
                                [&] { return first->done > hung; })) {
          Abandon(*first, hung);
          out[todo[hung]].stuck = true;
          break;
        }
        Take(*first, hung, &out[todo[hung]]);
      }
    }
    if (hung == todo.size()) return out;
    // The helper leaves by itself once its call returns; a new one takes
    // its place for the next cycles.
    worker_thread_.detach();
    StartWorker();

    // Phase 2: the calls after the hung one, in parallel.
    std::vector<Running> rest;
    for (size_t j = hung + 1; j < todo.size(); ++j) {
      rest.push_back(Start({paths[todo[j]]}));
    }
    const auto deadline = std::chrono::steady_clock::now() + timeout_;
    for (size_t k = 0; k < rest.size(); ++k) {
      StatOutcome& o = out[todo[hung + 1 + k]];
      StatBatch& batch = *rest[k].batch;
      std::unique_lock<std::mutex> lock(batch.mu);
      if (batch.cv.wait_until(lock, deadline, [&] { return batch.done > 0; })) {
        Take(batch, 0, &o);
        lock.unlock();
        rest[k].thread.join();
      } else {
        Abandon(batch, 0);
        o.stuck = true;
        lock.unlock();
        rest[k].thread.detach();
      }
    }
    return out;
  }

  // A one-off helper thread (phase 2) and the calls it makes.
  struct Running {
    std::shared_ptr<StatBatch> batch;
    std::thread thread;
  };

  static std::shared_ptr<StatBatch> NewBatch(std::vector<std::string> paths) {
    auto batch = std::make_shared<StatBatch>();
    batch->paths = std::move(paths);
    batch->errors.resize(batch->paths.size());
    batch->usages.resize(batch->paths.size());
    return batch;
  }

  Running Start(std::vector<std::string> paths) {
    auto batch = NewBatch(std::move(paths));
    return {batch, std::thread([batch, stuck = stuck_, statfs = statfs_] {
              pthread_setname_np(pthread_self(), "statfs");
              RunBatch(batch, stuck, statfs);
            })};
  }

  // Starts the long-lived helper thread, in place of one that was given up
  // on (left detached) if any.
  void StartWorker() {
    worker_ = std::make_shared<StatWorker>();
    worker_thread_ = std::thread(RunWorker, worker_, stuck_, statfs_);
  }

  // Hands a batch to the long-lived helper thread (started on first use).
  std::shared_ptr<StatBatch> HandToWorker(std::vector<std::string> paths) {
    if (!worker_) StartWorker();
    auto batch = NewBatch(std::move(paths));
    {
      std::lock_guard<std::mutex> lock(worker_->mu);
      worker_->next = batch;
    }
    worker_->cv.notify_one();
    return batch;
  }

  // Gives up on call i, the one the thread is in. Called with batch.mu
  // held, so the thread cannot un-mark the path before it is marked.
  void Abandon(StatBatch& batch, size_t i) {
    batch.abandoned = true;
    std::lock_guard<std::mutex> lock(stuck_->mu);
    stuck_->paths.insert(batch.paths[i]);
  }

  // The answer of finished call i. Called with batch.mu held.
  static void Take(const StatBatch& batch, size_t i, StatOutcome* out) {
    out->error = batch.errors[i];
    out->usage = batch.usages[i];
  }

  bool ne15_;  // --compat.node-exporter=1.5
  Filter mount_points_exclude_;
  Filter fs_types_exclude_;
  Filter mount_points_include_;
  Filter fs_types_include_;
  std::chrono::nanoseconds timeout_;
  StatfsFunc statfs_;
  std::shared_ptr<StuckPaths> stuck_;
  // The long-lived helper thread (idle between collections), once started.
  std::shared_ptr<StatWorker> worker_;
  std::thread worker_thread_;
};

// An include flag (node_exporter 1.9): mutually exclusive with an exclude
// pattern other than the default one.
Filter IncludeFilter(const CollectorOptions& options, const char* flag,
                     const std::string& exclude,
                     const std::string& exclude_flag,
                     const char* exclude_default) {
  const std::string pattern = options.Get(flag);
  if (!pattern.empty() && exclude != exclude_default) {
    throw std::invalid_argument(std::string("--") + flag + " and --" +
                                exclude_flag + " are mutually exclusive");
  }
  return Filter(flag, pattern);
}

}  // namespace

int SystemStatfs(const std::string& path, FsUsage* out) {
  struct statfs st;
  int rc;
  do {
    rc = ::statfs(path.c_str(), &st);
  } while (rc != 0 && errno == EINTR);
  if (rc != 0) return errno;
  out->blocks = st.f_blocks;
  out->bfree = st.f_bfree;
  out->bavail = st.f_bavail;
  out->block_size = static_cast<uint64_t>(st.f_bsize);
  out->files = st.f_files;
  out->ffree = st.f_ffree;
  return 0;
}

std::unique_ptr<Collector> NewFilesystemCollector(
    const CollectorOptions& options, StatfsFunc statfs) {
  auto [mount_points, mount_points_flag] = FilterPattern(
      options, kMountPointsFlag, kOldMountPointsFlag, kDefaultMountPoints);
  auto [fs_types, fs_types_flag] =
      FilterPattern(options, kFsTypesFlag, kOldFsTypesFlag, kDefaultFsTypes);

  auto timeout = parse::ParseDuration(options.Get(kTimeoutFlag));
  if (!timeout.ok()) {
    throw std::invalid_argument(std::string("--") + kTimeoutFlag + ": " +
                                timeout.error);
  }
  if (timeout.value <= std::chrono::nanoseconds::zero()) {
    throw std::invalid_argument(std::string("--") + kTimeoutFlag +
                                ": must be greater than zero");
  }
  // A collection takes up to about two mount timeouts when mounts hang; keep
  // that inside the scheduler's deadline (--collector.timeout), so a newly
  // hung mount shows as device_error 1 in the same cycle instead of failing
  // the whole collector.
  auto deadline = parse::ParseDuration(options.Get(kCollectorTimeoutKey));
  if (deadline.ok() && deadline.value > std::chrono::nanoseconds::zero()) {
    timeout.value = std::min(timeout.value, deadline.value / 3);
  }
  Filter mount_points_include =
      IncludeFilter(options, kMountPointsIncludeFlag, mount_points,
                    mount_points_flag, kDefaultMountPoints);
  Filter fs_types_include = IncludeFilter(
      options, kFsTypesIncludeFlag, fs_types, fs_types_flag, kDefaultFsTypes);
  return std::make_unique<FilesystemCollector>(
      Filter(mount_points_flag, mount_points), Filter(fs_types_flag, fs_types),
      std::move(mount_points_include), std::move(fs_types_include),
      timeout.value, std::move(statfs), options.NodeExporter15());
}

namespace collectors::filesystem {

CollectorSpec Spec() {
  return {"filesystem",
          true,
          "Exposes filesystem statistics, such as disk space used.",
          {
              {kMountPointsFlag, kDefaultMountPoints,
               "Regexp of mount points to exclude for filesystem collector."},
              {kFsTypesFlag, kDefaultFsTypes,
               "Regexp of filesystem types to exclude for filesystem "
               "collector."},
              {kMountPointsIncludeFlag, "",
               "Regexp of mount points to include for filesystem collector "
               "(replaces the default mount-points-exclude; mutually "
               "exclusive to another one)."},
              {kFsTypesIncludeFlag, "",
               "Regexp of filesystem types to include for filesystem "
               "collector (replaces the default fs-types-exclude; mutually "
               "exclusive to another one)."},
              {kTimeoutFlag, "5s",
               "how long to wait for a mount to respond before marking it as "
               "stale (at most a third of --collector.timeout)"},
              {kOldMountPointsFlag, "",
               "Regexp of mount points to ignore for filesystem collector."},
              {kOldFsTypesFlag, "",
               "Regexp of filesystem types to ignore for filesystem "
               "collector."},
          },
          [](const CollectorOptions& options) {
            return NewFilesystemCollector(options, &SystemStatfs);
          }};
}

}  // namespace collectors::filesystem

}  // namespace host_exporter
