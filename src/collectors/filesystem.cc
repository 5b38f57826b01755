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
#include <memory>
#include <mutex>
#include <optional>
#include <regex>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "collectors/toolkit.h"
#include "host_exporter/family.h"
#include "host_exporter/string_map.h"
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
  std::set<std::string, std::less<>> paths;
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

// What is decided once for an entry of the mount table, by its mount point
// (as the table prints it) and fstype, and kept while the table lists it:
// whether the filters keep it (std::regex matches, most of a cycle's cost
// otherwise), its host path and the path statted.
struct MountDecision {
  bool keep = false;
  std::string mount_point;  // host path, without the rootfs prefix
  std::string stat_path;    // mount_point under the rootfs
};

// The decisions of the entries of last cycle's mount table, and of this
// cycle's so far. An entry of last cycle's table is moved to this cycle's
// (no allocation); one not in it (a new mount, or a changed mount point or
// fstype) is decided anew; the entries of last cycle's table that this
// cycle's lacks are dropped at its end, so the memo holds one table's
// entries at most.
class MountDecisions {
 public:
  // Starts a cycle under `rootfs` (the decisions depend on it: one kept
  // under another is dropped).
  void BeginCycle(std::string_view rootfs) {
    if (rootfs != rootfs_) {
      last_.clear();
      next_.clear();
      rootfs_.assign(rootfs);
    }
  }

  // The decision for (mount_point, fs_type), made by `decide()` unless kept.
  template <typename Decide>
  const MountDecision& Get(std::string_view mount_point,
                           std::string_view fs_type, Decide&& decide) {
    key_.assign(mount_point).push_back('\0');
    key_.append(fs_type);
    if (auto it = next_.find(key_); it != next_.end()) return it->second;
    if (auto it = last_.find(key_); it != last_.end()) {
      return next_.insert(last_.extract(it)).position->second;
    }
    return next_.emplace(key_, decide()).first->second;
  }

  // Ends a cycle (also one that failed half-way): its entries are the ones
  // kept, every other is dropped. References taken before stay valid until
  // the next call.
  void EndCycle() {
    last_.swap(next_);
    next_.clear();
  }

 private:
  using Map = StringMap<MountDecision>;
  std::string rootfs_;
  std::string key_;  // "<mount point>\0<fstype>", a kept buffer
  Map last_, next_;
};

// One mount to report: views of this cycle's mount table and of its kept
// decision.
struct Mount {
  std::string_view device;
  std::string major, minor;  // from mountinfo (node_exporter 1.9)
  std::string_view fs_type;
  bool read_only = false;
  const MountDecision* decision = nullptr;
};

// For each i < n, (*first)[i] is the least j with key(j) == key(i), found by
// sorting indexes in `order` (both kept buffers: no allocation in a steady
// cycle, no map node per key).
template <typename Key>
void FirstOccurrences(size_t n, Key key, std::vector<size_t>* order,
                      std::vector<size_t>* first) {
  order->resize(n);
  for (size_t i = 0; i < n; ++i) (*order)[i] = i;
  std::sort(order->begin(), order->end(), [&](size_t a, size_t b) {
    return std::pair(key(a), a) < std::pair(key(b), b);
  });
  first->resize(n);
  for (size_t k = 0, run = 0; k < n; ++k) {
    if (k > 0 && key((*order)[k]) != key((*order)[run])) run = k;
    (*first)[(*order)[k]] = (*order)[run];
  }
}

// node_exporter's rootfsStripPrefix: when running with --path.rootfs=/host
// in a container, mounts read from procfs show the host's mounts under
// /host. Unlike node_exporter, only a whole path component is stripped
// ("/hostdata" stays as is).
std::string StripRoot(std::string_view rootfs, std::string mp) {
  while (rootfs.size() > 1 && rootfs.back() == '/') rootfs.remove_suffix(1);
  if (rootfs.empty() || rootfs == "/") return mp;
  if (mp == rootfs) return "/";
  if (mp.size() > rootfs.size() && mp.starts_with(rootfs) &&
      mp[rootfs.size()] == '/') {
    return mp.substr(rootfs.size());
  }
  return mp;
}

// The path of procfs 1/<file>, or procfs self/<file> (or <file>) if it is
// absent (hidden with hidepid), and its contents into *text if it may have
// changed since the last call (*changed; else *text is left as it was).
std::string ReadMountTable(const HostPaths& paths, std::string_view file,
                           std::string_view fallback, KeptMountTable* kept,
                           std::string* text, bool* changed) {
  std::string path = paths.Proc(std::string("1/").append(file));
  int error = 0;
  *changed = kept->Read(path, text, &error);
  if (error == ENOENT || error == ENOTDIR) {
    path = paths.Proc(fallback);
    *changed = kept->Read(path, text, &error);
  }
  if (error) ThrowErrno(path, error);
  return path;
}

// A "major:minor" number as node_exporter prints it (the kernel's digits,
// without leading zeros), into *out; false if it is not a number.
bool DeviceNumber(std::string_view digits, std::string* out) {
  const auto v = parse::ParseU64(digits);
  if (!v) return false;
  if (digits.size() > 1 && digits[0] == '0') {
    *out = std::to_string(*v);
  } else {
    out->assign(digits);
  }
  return true;
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
    SelectMounts(paths);
    const std::vector<Mount>& mounts = mounts_;

    // Each distinct path is statted once (over-mounts share a mount point):
    // mount i's is stat_paths[stat_of_[i]].
    FirstOccurrences(
        mounts.size(),
        [&](size_t i) -> std::string_view {
          return mounts[i].decision->stat_path;
        },
        &order_, &first_);
    stat_paths_.clear();
    stat_of_.resize(mounts.size());
    for (size_t i = 0; i < mounts.size(); ++i) {
      if (first_[i] == i) {
        stat_of_[i] = stat_paths_.size();
        stat_paths_.push_back(mounts[i].decision->stat_path);
      } else {
        stat_of_[i] = stat_of_[first_[i]];
      }
    }
    const std::vector<StatOutcome>& outcomes = StatAll(stat_paths_);

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

    std::string error;  // this mount's device_error label
    for (size_t i = 0; i < mounts.size(); ++i) {
      const Mount& m = mounts[i];
      const std::string& mount_point = m.decision->mount_point;
      const StatOutcome& o = outcomes[stat_of_[i]];
      error.clear();
      if (!o.ok()) error = ErrorLabel(o);
      auto add = [&](FamilyBuilder* f, double v) {
        if (ne15_) {
          f->Add({{"device", m.device},
                  {"mountpoint", mount_point},
                  {"fstype", m.fs_type}},
                 v);
        } else {
          f->Add({{"device", m.device},
                  {"mountpoint", mount_point},
                  {"fstype", m.fs_type},
                  {"device_error", error}},
                 v);
        }
      };
      add(device_error, o.ok() ? 0 : 1);
      // A mount that cannot be statted gets device_error 1 and nothing
      // else in node_exporter 1.5; 1.9 adds its read-only status.
      if (!o.ok()) {
        if (!ne15_) add(readonly, m.read_only ? 1 : 0);
        continue;
      }
      const double bsize = static_cast<double>(o.usage.block_size);
      add(size, static_cast<double>(o.usage.blocks) * bsize);
      add(free, static_cast<double>(o.usage.bfree) * bsize);
      add(avail, static_cast<double>(o.usage.bavail) * bsize);
      add(files, static_cast<double>(o.usage.files));
      add(files_free, static_cast<double>(o.usage.ffree));
      add(readonly, m.read_only ? 1 : 0);
      if (mount_info) {
        mount_info->Add({{"device", m.device},
                         {"major", m.major},
                         {"minor", m.minor},
                         {"mountpoint", mount_point}},
                        1);
      }
    }

    return out.Take();
  }

 private:
  // The mounts to report into mounts_: not excluded, and each (device,
  // mount point) once. A repeated pair (a bind mount of a directory onto
  // itself, a mount repeated over itself) keeps the last entry, the one on
  // top, whose options are in effect. node_exporter 1.5 would emit it twice
  // when the options differ, and the scrape would fail on the duplicate
  // series. The entries view text_ (or entries_), kept until the next call.
  void SelectMounts(const HostPaths& paths) {
    candidates_.clear();
    mounts_.clear();
    decisions_.BeginCycle(paths.rootfs);
    // The table is parsed again only when it may have changed; the entries
    // of an unchanged one (views of text_) are last cycle's. A parse error
    // has it read again next cycle.
    bool changed = false;
    if (ne15_) {
      const std::string path =
          ReadMountTable(paths, "mounts", "mounts", &table_, &text_, &changed);
      if (changed) ParseTable(parse::ParseMounts(text_), path, &entries_);
      for (const parse::MountEntry& e : entries_) {
        // ParseMounts has unescaped the mount point already.
        Add(paths, e.mount_point, false, e.fs_type, e.device, e.options, {},
            {});
      }
    } else {
      const std::string path = ReadMountTable(
          paths, "mountinfo", "self/mountinfo", &table_, &text_, &changed);
      if (changed) ParseTable(parse::ParseMountInfo(text_), path, &infos_);
      for (const parse::MountInfoEntry& e : infos_) {
        const size_t colon = e.major_minor.find(':');
        if (!DeviceNumber(e.major_minor.substr(0, colon), &major_) ||
            colon == std::string_view::npos ||
            !DeviceNumber(e.major_minor.substr(colon + 1), &minor_)) {
          decisions_.EndCycle();
          throw CollectError(path + ": malformed mount point information: " +
                             std::string(e.major_minor));
        }
        Add(paths, e.mount_point, true, e.fs_type, e.source, e.options, major_,
            minor_);
      }
    }
    decisions_.EndCycle();

    FirstOccurrences(
        candidates_.size(),
        [&](size_t i) {
          return std::pair<std::string_view, std::string_view>(
              candidates_[i].device, candidates_[i].decision->mount_point);
        },
        &order_, &first_);
    slot_.resize(candidates_.size());
    for (size_t i = 0; i < candidates_.size(); ++i) {
      if (first_[i] == i) {
        slot_[i] = mounts_.size();
        mounts_.push_back(candidates_[i]);
      } else {
        slot_[i] = slot_[first_[i]];
        mounts_[slot_[i]] = candidates_[i];
      }
    }
  }

  // Adds an entry of the mount table to candidates_ if the filters keep it.
  void Add(const HostPaths& paths, std::string_view mount_point, bool escaped,
           std::string_view fs_type, std::string_view device,
           std::string_view options, std::string_view major,
           std::string_view minor) {
    const MountDecision& d = decisions_.Get(mount_point, fs_type, [&] {
      MountDecision d;
      d.mount_point = StripRoot(paths.rootfs,
                                escaped ? parse::UnescapeMountField(mount_point)
                                        : std::string(mount_point));
      const std::string type(fs_type);
      // node_exporter compiles these flags as given, and Go's empty regexp
      // matches everything: an empty pattern excludes every mount (unlike
      // Filter's "no filter"). An include pattern replaces the exclude one.
      const bool mount_point_ok =
          mount_points_include_.active()
              ? mount_points_include_.Includes(d.mount_point)
              : mount_points_exclude_.active() &&
                    !mount_points_exclude_.Excludes(d.mount_point);
      const bool fs_type_ok =
          fs_types_include_.active()
              ? fs_types_include_.Includes(type)
              : fs_types_exclude_.active() && !fs_types_exclude_.Excludes(type);
      d.keep = mount_point_ok && fs_type_ok;
      if (d.keep) d.stat_path = paths.Root(d.mount_point);
      return d;
    });
    if (!d.keep) return;
    Mount& m = candidates_.emplace_back();
    m.device = device;
    m.major.assign(major);
    m.minor.assign(minor);
    m.fs_type = fs_type;
    m.read_only = parse::HasMountOption(options, "ro");
    m.decision = &d;
  }

  // statfs() on each path, on helper threads. Paths still stuck from an
  // earlier collection are not retried. Normally the collector's helper
  // thread makes all the calls in turn, each given timeout_. Once one hangs,
  // the rest get a thread each and one shared deadline, so several dead
  // servers cost one timeout more rather than one timeout each.
  // The outcomes are a kept buffer, valid until the next call.
  const std::vector<StatOutcome>& StatAll(
      const std::vector<std::string_view>& paths) {
    std::vector<StatOutcome>& out = outcomes_;
    out.assign(paths.size(), StatOutcome{});
    std::vector<size_t>& todo = todo_;  // indexes into paths
    todo.clear();
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
    std::shared_ptr<StatBatch> first = HandToWorker(paths, todo);
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
      rest.push_back(Start({std::string(paths[todo[j]])}));
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

  // Hands the paths `todo` of `paths` to the long-lived helper thread
  // (started on first use) as a batch. The last batch is filled again (its
  // strings and vectors keep their storage) if nothing else holds it: the
  // helper finished it and it was not abandoned.
  std::shared_ptr<StatBatch> HandToWorker(
      const std::vector<std::string_view>& paths,
      const std::vector<size_t>& todo) {
    if (!worker_) StartWorker();
    std::shared_ptr<StatBatch> batch;
    if (last_batch_ && last_batch_.use_count() == 1 &&
        !last_batch_->abandoned) {
      batch = std::move(last_batch_);
      batch->done = 0;
    } else {
      batch = std::make_shared<StatBatch>();
    }
    batch->paths.resize(todo.size());
    for (size_t k = 0; k < todo.size(); ++k) {
      batch->paths[k].assign(paths[todo[k]]);
    }
    batch->errors.assign(todo.size(), 0);
    batch->usages.assign(todo.size(), FsUsage{});
    last_batch_ = batch;
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
  // This cycle's mount table and what was made of it, kept between cycles
  // (their buffers, and the decisions by entry).
  // A parser's entries into *out; on its error the table is read again
  // next cycle and *out, which may view the text, is emptied.
  template <typename T>
  void ParseTable(parse::Result<std::vector<T>> r, const std::string& path,
                  std::vector<T>* out) {
    if (!r.ok()) {
      out->clear();
      table_.Forget();
      ThrowParseError(r.error, path);
    }
    *out = std::move(r.value);
  }

  KeptMountTable table_;  // procfs 1/mountinfo (or mounts), kept open
  std::string text_;
  std::vector<parse::MountEntry> entries_;    // node_exporter 1.5
  std::vector<parse::MountInfoEntry> infos_;  // 1.9: views of text_
  MountDecisions decisions_;
  std::string major_, minor_;
  std::vector<Mount> candidates_, mounts_;
  std::vector<size_t> order_, first_, slot_, stat_of_;
  // The paths statted this cycle (views of the decisions), what came of
  // each, the ones handed to the helper, and the last batch handed to it.
  std::vector<std::string_view> stat_paths_;
  std::vector<StatOutcome> outcomes_;
  std::vector<size_t> todo_;
  std::shared_ptr<StatBatch> last_batch_;
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
