// textfile: the metrics of *.prom files (Prometheus text format 0.0.4 or
// OpenMetrics 1.0) in --collector.textfile.directory, plus
// node_textfile_mtime_seconds{file} and node_textfile_scrape_error.
//
// As node_exporter 1.5: each directory value may be a glob pattern; files are
// read in name order; a family without HELP gets "Metric read from <files>";
// within one file's family, series lacking a label some other series has get
// it with an empty value; files with sample timestamps are refused; any file
// that cannot be read or parsed is left out entirely and sets
// node_textfile_scrape_error to 1 (the collector itself still succeeds).
//
// Beyond 1.5: the directory flag is repeatable; OpenMetrics is understood;
// files are opened without blocking (a FIFO named *.prom is refused, never
// opened for a blocking read), symlinks are followed only to targets inside
// the directory, and size and series limits bound the work per file. Families
// that several files share must agree on type and HELP; a family or series
// that conflicts with an earlier file is dropped and also counts as a scrape
// error. Each problem is reported through TakeWarnings() with the file, line
// and reason.
#include <dirent.h>
#include <fcntl.h>
#include <glob.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <set>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "collectors/toolkit.h"
#include "host_exporter/encoder.h"
#include "host_exporter/family.h"
#include "parse/exposition.h"

namespace host_exporter::collectors::textfile {
namespace {

constexpr char kDirectoryFlag[] = "collector.textfile.directory";
constexpr char kMaxFileSizeFlag[] = "collector.textfile.max-file-size";
constexpr char kMaxSeriesFlag[] = "collector.textfile.max-series";

constexpr char kMtimeName[] = "node_textfile_mtime_seconds";
constexpr char kErrorName[] = "node_textfile_scrape_error";

// "16MiB", "512KiB", "1GiB", "100kB", "1MB" or plain bytes.
std::optional<uint64_t> ParseSize(std::string_view s) {
  static const std::pair<std::string_view, uint64_t> kTextfileUnits[] = {
      {"KiB", 1ull << 10}, {"MiB", 1ull << 20},
      {"GiB", 1ull << 30}, {"kB", 1000},
      {"KB", 1000},        {"MB", 1000000},
      {"GB", 1000000000},  {"B", 1},
  };
  uint64_t unit = 1;
  for (const auto& [suffix, factor] : kTextfileUnits) {
    if (s.size() > suffix.size() &&
        s.substr(s.size() - suffix.size()) == suffix) {
      s.remove_suffix(suffix.size());
      unit = factor;
      break;
    }
  }
  auto n = parse::ParseU64(parse::Trim(s));
  if (!n || *n > UINT64_MAX / unit) return std::nullopt;
  return *n * unit;
}

std::string Errno(int err) { return std::strerror(err); }

// The directories a --collector.textfile.directory value names: its glob
// matches, or the value itself when nothing matches (as 1.5 does).
std::vector<std::string> ExpandDirectory(const std::string& pattern) {
  std::vector<std::string> out;
  glob_t g{};
  if (::glob(pattern.c_str(), 0, nullptr, &g) == 0) {
    for (size_t i = 0; i < g.gl_pathc; ++i) out.emplace_back(g.gl_pathv[i]);
  }
  ::globfree(&g);
  if (out.empty()) out.push_back(pattern);
  return out;
}

// The *.prom names in `dir`, sorted; false with *error set if unreadable.
bool ListPromFiles(const std::string& dir, std::vector<std::string>* names,
                   std::string* error) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) {
    *error = Errno(errno);
    return false;
  }
  while (struct dirent* e = ::readdir(d)) {
    std::string_view name = e->d_name;
    if (name.size() >= 5 && name.substr(name.size() - 5) == ".prom") {
      names->emplace_back(name);
    }
  }
  ::closedir(d);
  std::sort(names->begin(), names->end());
  return true;
}

// Reads a regular file without ever blocking: lstat first, follow a symlink
// only into `real_dir`, then ReadRegularFile() with O_NOFOLLOW (never
// blocks; at most `max_size` bytes, 0 = no limit). Returns "" or why not.
std::string ReadTextfile(const std::string& path, const std::string& real_dir,
                         uint64_t max_size, std::string* content,
                         struct stat* st) {
  struct stat lst;
  if (::lstat(path.c_str(), &lst) != 0) return Errno(errno);
  std::string target = path;
  if (S_ISLNK(lst.st_mode)) {
    char* real = ::realpath(path.c_str(), nullptr);
    if (real == nullptr) return "broken symlink: " + Errno(errno);
    target = real;
    std::free(real);
    std::string prefix = real_dir;
    if (prefix.empty() || prefix.back() != '/') prefix.push_back('/');
    if (real_dir.empty() || !target.starts_with(prefix)) {
      return "symlink to " + target + ", outside the directory, not followed";
    }
    if (::stat(target.c_str(), &lst) != 0) return Errno(errno);
  }
  if (!S_ISREG(lst.st_mode)) {
    return std::string("is ") + FileKind(lst.st_mode) + ", skipped";
  }
  std::string why;
  switch (ReadRegularFile(target, max_size, O_NOFOLLOW, content, st, &why)) {
    case ReadOutcome::kOk:
      return "";
    case ReadOutcome::kNotRegular:
      return why + ", skipped";
    case ReadOutcome::kTooBig:
      return why + " (--" + kMaxFileSizeFlag + "), skipped";
    case ReadOutcome::kError:
      break;
  }
  return why;
}

// A label set's identity: sorted, labels with empty values left out.
std::string SeriesKey(const std::vector<prometheus::ClientMetric::Label>& l) {
  std::vector<const prometheus::ClientMetric::Label*> sorted;
  for (const auto& x : l) {
    if (!x.value.empty() && x.name != kCreatedLabel) sorted.push_back(&x);
  }
  std::sort(sorted.begin(), sorted.end(),
            [](const auto* a, const auto* b) { return a->name < b->name; });
  std::string key;
  for (const auto* x : sorted) {
    key.append(x->name).push_back('=');
    key.append(std::to_string(x->value.size())).push_back(':');
    key.append(x->value);
  }
  return key;
}

std::string FormatSeries(
    const std::string& name,
    const std::vector<prometheus::ClientMetric::Label>& l) {
  std::string out = name;
  if (l.empty()) return out;
  out.push_back('{');
  for (size_t i = 0; i < l.size(); ++i) {
    if (i) out.push_back(',');
    out.append(l[i].name).append("=\"").append(l[i].value).push_back('"');
  }
  out.push_back('}');
  return out;
}

// node_exporter 1.5 gives every series of a file's family all the label
// names used in that family, missing ones with an empty value. That is only
// cosmetic (an empty label is no label), and quadratic for a hostile family
// whose series each use a label name of their own: beyond a budget of added
// labels the family is left as it is.
void FillLabels(prometheus::MetricFamily* f) {
  constexpr size_t kMaxAdded = 1000000;
  std::vector<std::string> names;
  std::set<std::string_view> seen;
  for (const auto& m : f->metric) {
    for (const auto& l : m.label) {
      if (seen.insert(l.name).second) names.push_back(l.name);
    }
  }
  size_t added = 0;
  for (const auto& m : f->metric) {
    added += names.size() - std::min(names.size(), m.label.size());
  }
  if (added == 0 || added > kMaxAdded) return;
  for (auto& m : f->metric) {
    if (m.label.size() == names.size()) continue;
    std::set<std::string> have;  // copies: appending moves the labels
    for (const auto& l : m.label) have.insert(l.name);
    for (const auto& n : names) {
      if (!have.count(n)) m.label.push_back({n, ""});
    }
  }
}

// A textfile counter (summary, histogram) started when its file's
// OpenMetrics "_created" says, or at an unknown time ("0"), never at boot:
// tells the snapshot so through kCreatedLabel.
void MarkCreated(parse::ParsedFamily* pf) {
  const auto t = pf->family.type;
  if (t == prometheus::MetricType::Gauge ||
      t == prometheus::MetricType::Untyped) {
    return;
  }
  auto& metrics = pf->family.metric;
  for (size_t i = 0; i < metrics.size(); ++i) {
    const double c = i < pf->created.size() ? pf->created[i] : 0;
    metrics[i].label.push_back({kCreatedLabel, c > 0 ? FormatValue(c) : "0"});
  }
}

// Families of all files merged by name, first file first.
class Merger {
 public:
  explicit Merger(std::vector<std::string>* warnings) : warnings_(warnings) {}

  // Adds one file's family; returns false if any of it was dropped.
  bool Add(const std::string& file, parse::ParsedFamily pf) {
    prometheus::MetricFamily& f = pf.family;
    if (f.name == kMtimeName || f.name == kErrorName) {
      Warn(file + ": family " + f.name +
           " is the textfile collector's own, dropped");
      return false;
    }
    auto [it, inserted] = by_name_.try_emplace(f.name, merged_.size());
    if (inserted) {
      Merged m;
      m.has_help = pf.has_help;
      m.help_file = file;
      m.files.push_back(file);
      for (const auto& metric : f.metric)
        m.keys.insert(SeriesKey(metric.label));
      m.family = std::move(f);
      merged_.push_back(std::move(m));
      return true;
    }
    Merged& m = merged_[it->second];
    if (m.family.type != f.type) {
      Warn(file + ": family " + f.name + " is a " + TypeName(f.type) +
           " here but a " + TypeName(m.family.type) + " in " + m.files[0] +
           ", dropped");
      return false;
    }
    if (pf.has_help && m.has_help && f.help != m.family.help) {
      Warn(file + ": family " + f.name + " has HELP \"" + f.help +
           "\" here but \"" + m.family.help + "\" in " + m.help_file +
           ", dropped");
      return false;
    }
    if (pf.has_help && !m.has_help) {
      m.family.help = f.help;
      m.has_help = true;
      m.help_file = file;
    }
    size_t dropped = 0;
    std::string example;
    for (auto& metric : f.metric) {
      if (!m.keys.insert(SeriesKey(metric.label)).second) {
        if (dropped++ == 0) example = FormatSeries(f.name, metric.label);
        continue;
      }
      m.family.metric.push_back(std::move(metric));
    }
    m.files.push_back(file);
    if (dropped != 0) {
      Warn(file + ": " + std::to_string(dropped) + " series of family " +
           f.name +
           " already read from another file, dropped (first: " + example + ")");
      return false;
    }
    return true;
  }

  // The merged families; those without HELP name the files they came from.
  Families Take() {
    Families out;
    out.reserve(merged_.size());
    for (Merged& m : merged_) {
      if (!m.has_help) {
        m.family.help = "Metric read from ";
        for (size_t i = 0; i < m.files.size(); ++i) {
          if (i) m.family.help += ", ";
          m.family.help += m.files[i];
        }
      }
      out.push_back(std::move(m.family));
    }
    return out;
  }

 private:
  struct Merged {
    prometheus::MetricFamily family;
    bool has_help = false;
    std::string help_file;           // where the HELP came from
    std::vector<std::string> files;  // files that contributed, in order
    std::unordered_set<std::string> keys;
  };

  void Warn(std::string msg) { warnings_->push_back(std::move(msg)); }

  std::vector<std::string>* warnings_;
  std::vector<Merged> merged_;
  std::unordered_map<std::string, size_t> by_name_;
};

class TextfileCollector : public Collector {
 public:
  TextfileCollector(std::vector<std::string> directories, uint64_t max_size,
                    size_t max_series)
      : directories_(std::move(directories)), max_size_(max_size) {
    parse_options_.max_series = max_series;
  }

  Families Collect(const HostPaths&) override {
    warnings_.clear();
    bool errored = false;
    Merger merger(&warnings_);
    std::vector<std::pair<std::string, double>> mtimes;
    std::set<std::string> done;  // a directory given twice is read once
    for (const std::string& value : directories_) {
      if (value.empty()) continue;  // 1.5: an empty directory is no error
      for (const std::string& dir : ExpandDirectory(value)) {
        if (!done.insert(parse::GoCleanPath(dir)).second) continue;
        if (!ReadDirectory(dir, &merger, &mtimes)) errored = true;
      }
    }
    FamilySet own;  // the collector's own families
    if (!warnings_.empty()) errored = true;
    if (!mtimes.empty()) {
      std::sort(mtimes.begin(), mtimes.end());
      auto& mtime = own.Gauge(kMtimeName,
                              "Unixtime mtime of textfiles successfully read.");
      for (const auto& [file, t] : mtimes) mtime.Add({{"file", file}}, t);
    }
    own.Gauge(kErrorName,
              "1 if there was an error opening or reading a file, "
              "0 otherwise")
        .Add(errored ? 1 : 0);
    // The families read from files, then the collector's own.
    Families out = merger.Take();
    for (auto& f : own.Take()) out.push_back(std::move(f));
    return out;
  }

  std::vector<std::string> TakeWarnings() override {
    return std::exchange(warnings_, {});
  }

 private:
  // Reads every *.prom file of `dir`; false if the directory is unreadable.
  bool ReadDirectory(const std::string& dir, Merger* merger,
                     std::vector<std::pair<std::string, double>>* mtimes) {
    std::vector<std::string> names;
    std::string why;
    if (!ListPromFiles(dir, &names, &why)) {
      warnings_.push_back(dir + ": " + why);
      return false;
    }
    std::string real_dir;
    if (char* real = ::realpath(dir.c_str(), nullptr)) {
      real_dir = real;
      std::free(real);
    }
    std::string content;
    for (const std::string& name : names) {
      const std::string file = parse::GoCleanPath(dir + "/" + name);
      struct stat st {};
      why = ReadTextfile(file, real_dir, max_size_, &content, &st);
      if (!why.empty()) {
        warnings_.push_back(file + ": " + why);
        continue;
      }
      auto parsed = parse::ParseExposition(content, parse_options_);
      if (!parsed.ok()) {
        warnings_.push_back(file + ": " + parsed.error);
        continue;
      }
      for (parse::ParsedFamily& pf : parsed.value.families) {
        FillLabels(&pf.family);
        MarkCreated(&pf);
        merger->Add(file, std::move(pf));
      }
      mtimes->emplace_back(file, static_cast<double>(st.st_mtim.tv_sec));
    }
    return true;
  }

  std::vector<std::string> directories_;
  uint64_t max_size_;
  parse::ExpositionOptions parse_options_;
  std::vector<std::string> warnings_;
};

}  // namespace

CollectorSpec Spec() {
  return {
      "textfile",
      true,
      "Exposes metrics from *.prom files (Prometheus text or OpenMetrics) in "
      "--collector.textfile.directory; series that clash with another "
      "collector's are dropped.",
      {
          {kDirectoryFlag, "",
           "Directory to read text files with metrics from (repeatable; glob "
           "patterns allowed).",
           true},
          {kMaxFileSizeFlag, "16MiB",
           "Largest *.prom file read (bytes, or with KiB, MiB, GiB); bigger "
           "ones are skipped as errors. 0 = no limit."},
          {kMaxSeriesFlag, "100000",
           "Most series one *.prom file may hold; a file with more is skipped "
           "as an error. 0 = no limit."},
      },
      [](const CollectorOptions& o) -> std::unique_ptr<Collector> {
        const std::string size = o.Get(kMaxFileSizeFlag);
        auto max_size = ParseSize(size);
        if (!max_size) {
          throw std::invalid_argument(std::string("--") + kMaxFileSizeFlag +
                                      ": invalid size '" + size +
                                      "' (bytes, or a number with KiB, MiB "
                                      "or GiB)");
        }
        const std::string series = o.Get(kMaxSeriesFlag);
        auto max_series = parse::ParseU64(series);
        if (!max_series) {
          throw std::invalid_argument(std::string("--") + kMaxSeriesFlag +
                                      ": invalid number '" + series + "'");
        }
        return std::make_unique<TextfileCollector>(
            o.GetList(kDirectoryFlag), *max_size,
            static_cast<size_t>(*max_series));
      }};
}

}  // namespace host_exporter::collectors::textfile
