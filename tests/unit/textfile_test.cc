// The textfile collector on the fixture root and on temporary directories
// holding good and bad files.
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "tests/unit/collector_test_util.h"

namespace host_exporter::testing {
namespace {

namespace fs = std::filesystem;

constexpr char kDir[] = "collector.textfile.directory";

// Runs the collector once with these directories (and other options) and
// returns its families; *warnings gets what TakeWarnings() reported.
Families RunTextfile(std::vector<std::string> dirs,
                     std::vector<std::string>* warnings = nullptr,
                     CollectorOptions extra = {}) {
  const CollectorSpec* spec = FindCollector("textfile");
  CollectorOptions opts = DefaultOptions(*spec);
  opts.Set(kDir, std::move(dirs));
  for (const auto& [k, v] : extra.values()) opts.Set(k, v);
  auto c = spec->create(opts);
  Families f = c->Collect(FixturePaths());
  std::vector<std::string> w = c->TakeWarnings();
  EXPECT_TRUE(c->TakeWarnings().empty()) << "TakeWarnings must clear";
  if (warnings) *warnings = std::move(w);
  return f;
}

double ScrapeError(const Families& f) {
  return FindValue(f, "node_textfile_scrape_error").value_or(-1);
}

std::string Joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += x + "\n";
  return s;
}

TEST(TextfileCollectorTest, FixtureHasEveryTypeAndNoError) {
  const std::string dir = std::string(FIXTURE_ROOT) + "/textfile";
  std::vector<std::string> warnings;
  Families f = RunTextfile({dir}, &warnings);
  EXPECT_TRUE(warnings.empty()) << Joined(warnings);
  EXPECT_EQ(ScrapeError(f), 0);

  // Text format 0.0.4.
  EXPECT_EQ(FindValue(f, "backup_runs_total",
                      {{"job", "nightly"}, {"result", "success"}}),
            412);
  EXPECT_EQ(Family(f, "backup_runs_total").type,
            prometheus::MetricType::Counter);
  EXPECT_EQ(FindValue(f, "backup_last_success_timestamp_seconds",
                      {{"job", "weekly"}}),
            1699912800);
  EXPECT_EQ(Family(f, "backup_target_info").type,
            prometheus::MetricType::Untyped);
  EXPECT_EQ(Family(f, "backup_target_info").help,
            "Backup target; HELP escapes: a backslash \\ and a\nnewline.");
  EXPECT_EQ(FindValue(f, "backup_target_info",
                      {{"path", "C:\\backups\\host1"},
                       {"note", "said \"ok\"\nthen exited"},
                       {"proto", "sftp"}}),
            1);
  EXPECT_TRUE(
      std::isnan(*FindValue(f, "backup_free_ratio", {{"target", "offline"}})));
  EXPECT_EQ(FindValue(f, "backup_free_ratio", {{"target", "broken"}}),
            -INFINITY);
  // The series without "target" gets it empty, as node_exporter 1.5 does.
  EXPECT_EQ(FindValue(f, "backup_free_ratio", {{"target", ""}}), 0.125);
  const auto* h = FindFamily(f, "backup_duration_seconds");
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(h->type, prometheus::MetricType::Histogram);
  ASSERT_EQ(h->metric.size(), 2u);
  EXPECT_EQ(h->metric[0].histogram.bucket.size(), 4u);
  EXPECT_EQ(h->metric[0].histogram.sample_count, 415u);
  const auto* s = FindFamily(f, "backup_chunk_upload_seconds");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->type, prometheus::MetricType::Summary);
  EXPECT_EQ(s->metric[0].summary.quantile.size(), 3u);

  // OpenMetrics.
  EXPECT_EQ(FindValue(f, "smart_reallocated_sectors_total", {{"disk", "sda"}}),
            8);
  EXPECT_EQ(Family(f, "smart_reallocated_sectors_total").type,
            prometheus::MetricType::Counter);
  EXPECT_EQ(FindFamily(f, "smart_reallocated_sectors_created"), nullptr);
  EXPECT_EQ(FindValue(f, "smart_temperature_celsius", {{"disk", "sdb"}}), 41);
  EXPECT_EQ(FindValue(f, "smartctl_version_info",
                      {{"version", "7.3"}, {"build", "r5338"}}),
            1);
  EXPECT_EQ(FindValue(f, "smart_health",
                      {{"disk", "sda"}, {"smart_health", "failed"}}),
            0);
  EXPECT_EQ(FindValue(f, "smart_queue_depth_bucket", {{"le", "8"}}), 9);
  EXPECT_EQ(FindValue(f, "smart_queue_depth_gcount"), 10);
  EXPECT_EQ(FindValue(f, "smart_queue_depth_gsum"), 31);
  EXPECT_EQ(Family(f, "smart_vendor_attribute").type,
            prometheus::MetricType::Untyped);
  EXPECT_EQ(Family(f, "smart_selftest_duration_seconds").type,
            prometheus::MetricType::Histogram);
  EXPECT_EQ(Family(f, "smart_read_latency_seconds").type,
            prometheus::MetricType::Summary);

  // Own metrics: one mtime per *.prom file (the .tmp file is not read).
  const auto* mtime = FindFamily(f, "node_textfile_mtime_seconds");
  ASSERT_NE(mtime, nullptr);
  ASSERT_EQ(mtime->metric.size(), 3u);
  EXPECT_EQ(mtime->metric[0].label[0].value, dir + "/backup.prom");
  EXPECT_EQ(mtime->metric[2].label[0].value, dir + "/openmetrics.prom");
  EXPECT_GT(mtime->metric[0].gauge.value, 1e9);
}

TEST(TextfileCollectorTest, NoDirectoryMeansOnlyTheErrorGauge) {
  Families f = RunCollector("textfile");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(ScrapeError(f), 0);
  EXPECT_EQ(f[0].help,
            "1 if there was an error opening or reading a file, 0 otherwise");
  EXPECT_EQ(ScrapeError(RunTextfile({""})),
            0);  // an empty value is no error either
}

TEST(TextfileCollectorTest, MissingDirectoryIsAScrapeError) {
  std::vector<std::string> w;
  Families f = RunTextfile({"/nonexistent/textfiles"}, &w);
  EXPECT_EQ(ScrapeError(f), 1);
  EXPECT_EQ(Joined(w), "/nonexistent/textfiles: No such file or directory\n");
  EXPECT_EQ(FindFamily(f, "node_textfile_mtime_seconds"), nullptr);
}

// A counter's start as its file says (OpenMetrics _created), or unknown
// ("0": not boot time, which the snapshot would assume otherwise).
TEST(TextfileCollectorTest, CreatedTimesForTheSnapshot) {
  TempRoot d;
  d.Write("om.prom",
          "# TYPE jobs counter\njobs_total{k=\"a\"} 3\n"
          "jobs_created{k=\"a\"} 1700000100.5\njobs_total{k=\"b\"} 4\n"
          "# TYPE temp gauge\ntemp 1\n# EOF\n");
  d.Write("text.prom", "# TYPE plain_total counter\nplain_total 1\n");
  Families f = RunTextfile({d.dir()});
  auto created = [&](const std::string& name, size_t i) {
    const auto* fam = FindFamily(f, name);
    EXPECT_NE(fam, nullptr) << name;
    if (fam == nullptr || i >= fam->metric.size()) return std::string("-");
    for (const auto& l : fam->metric[i].label) {
      if (l.name == kCreatedLabel) return l.value;
    }
    return std::string("none");
  };
  EXPECT_EQ(created("jobs_total", 0), "1.7000001005e+09");
  EXPECT_EQ(created("jobs_total", 1), "0");
  EXPECT_EQ(created("plain_total", 0), "0");
  EXPECT_EQ(created("temp", 0), "none");
  EXPECT_EQ(FindValue(f, "jobs_total", {{"k", "b"}}), 4);
}

TEST(TextfileCollectorTest, BadFileIsDroppedOthersKept) {
  TempRoot d;
  d.Write("a.prom", "good_a 1\n");
  d.Write("b.prom", "# TYPE bad gauge\nbad 1\nbad{x=\"1\"} 2 3\n");
  d.Write("c.prom", "good_c{x=\"y\"} 2\n");
  d.Write("ignored.txt", "not read {{{\n");
  std::vector<std::string> w;
  Families f = RunTextfile({d.dir()}, &w);
  EXPECT_EQ(ScrapeError(f), 1);
  EXPECT_EQ(FindValue(f, "good_a"), 1);
  EXPECT_EQ(FindValue(f, "good_c", {{"x", "y"}}), 2);
  EXPECT_EQ(FindFamily(f, "bad"), nullptr);
  EXPECT_EQ(Joined(w),
            d.dir() +
                "/b.prom: line 3: sample \"bad\" has a timestamp (3), "
                "which is not supported\n");
  const auto* mtime = FindFamily(f, "node_textfile_mtime_seconds");
  ASSERT_NE(mtime, nullptr);
  ASSERT_EQ(mtime->metric.size(), 2u);  // the bad file has none
  EXPECT_EQ(mtime->metric[0].label[0].value, d.dir() + "/a.prom");
  EXPECT_EQ(mtime->metric[1].label[0].value, d.dir() + "/c.prom");
}

// A writer cut short (not writing to a temporary file and renaming it)
// leaves a last line without its line break, perhaps "12" of "1234": the
// file is refused, as node_exporter's parser does, the others are kept.
TEST(TextfileCollectorTest, HalfWrittenFileIsAScrapeError) {
  TempRoot d;
  d.Write("a.prom", "good_a 1\n");
  d.Write("half.prom", "a_metric{i=\"1\"} 1\na_metric{i=\"2\"} 12");
  std::vector<std::string> w;
  Families f = RunTextfile({d.dir()}, &w);
  EXPECT_EQ(ScrapeError(f), 1);
  EXPECT_EQ(FindValue(f, "good_a"), 1);
  EXPECT_EQ(FindFamily(f, "a_metric"), nullptr);
  EXPECT_EQ(Joined(w), d.dir() +
                           "/half.prom: line 2: unexpected end of input: the "
                           "last line has no line break (file incomplete?)\n");
}

TEST(TextfileCollectorTest, MtimeIsTheFilesWholeSeconds) {
  TempRoot d;
  const std::string p = d.Write("m.prom", "x 1\n");
  struct timespec times[2] = {{1600000000, 0}, {1234567890, 987654321}};
  ASSERT_EQ(::utimensat(AT_FDCWD, p.c_str(), times, 0), 0);
  Families f = RunTextfile({d.dir() + "/"});  // the file label is a clean path
  EXPECT_EQ(FindValue(f, "node_textfile_mtime_seconds", {{"file", p}}),
            1234567890);
}

TEST(TextfileCollectorTest, DefaultHelpNamesTheFiles) {
  TempRoot d;
  d.Write("a.prom", "shared{f=\"a\"} 1\nonly_a 1\n");
  d.Write("b.prom", "shared{f=\"b\"} 2\n");
  std::vector<std::string> w;
  Families f = RunTextfile({d.dir()}, &w);
  EXPECT_TRUE(w.empty()) << Joined(w);
  EXPECT_EQ(Family(f, "shared").help,
            "Metric read from " + d.dir() + "/a.prom, " + d.dir() + "/b.prom");
  EXPECT_EQ(Family(f, "only_a").help,
            "Metric read from " + d.dir() + "/a.prom");
  EXPECT_EQ(Family(f, "shared").metric.size(), 2u);
}

TEST(TextfileCollectorTest, MissingLabelsFilledPerFileAsIn15) {
  TempRoot d;
  d.Write("a.prom", "m{x=\"1\"} 1\nm{y=\"2\"} 2\nm{x=\"3\",y=\"4\"} 3\n");
  d.Write("b.prom", "m{z=\"5\"} 4\n");  // other files' names are not added
  Families f = RunTextfile({d.dir()});
  const auto* m = FindFamily(f, "m");
  ASSERT_NE(m, nullptr);
  ASSERT_EQ(m->metric.size(), 4u);
  auto labels = [&](size_t i) {
    std::string s;
    for (const auto& l : m->metric[i].label) s += l.name + "=" + l.value + ";";
    return s;
  };
  EXPECT_EQ(labels(0), "x=1;y=;");
  EXPECT_EQ(labels(1), "y=2;x=;");
  EXPECT_EQ(labels(2), "x=3;y=4;");
  EXPECT_EQ(labels(3), "z=5;");
}

TEST(TextfileCollectorTest, LabelFillingHasABudget) {
  // 3000 series with a label name each would need 9 million empty labels.
  TempRoot d;
  std::string text;
  for (int i = 0; i < 3000; ++i)
    text += "m{l" + std::to_string(i) + "=\"v\"} 1\n";
  d.Write("a.prom", text);
  Families f = RunTextfile({d.dir()});
  const auto* m = FindFamily(f, "m");
  ASSERT_NE(m, nullptr);
  ASSERT_EQ(m->metric.size(), 3000u);
  EXPECT_EQ(m->metric[0].label.size(), 1u);
  EXPECT_EQ(ScrapeError(f), 0);
}

TEST(TextfileCollectorTest, HelpFromAnyFileWinsOverNone) {
  TempRoot d;
  d.Write("a.prom", "m{f=\"a\"} 1\n");
  d.Write("b.prom", "# HELP m Real help.\nm{f=\"b\"} 2\n");
  std::vector<std::string> w;
  Families f = RunTextfile({d.dir()}, &w);
  EXPECT_TRUE(w.empty()) << Joined(w);
  EXPECT_EQ(Family(f, "m").help, "Real help.");
  EXPECT_EQ(ScrapeError(f), 0);
}

TEST(TextfileCollectorTest, InconsistentFamiliesAcrossFiles) {
  TempRoot d;
  d.Write("a.prom", "# HELP m First.\n# TYPE m gauge\nm{f=\"a\"} 1\ndup 1\n");
  d.Write("b.prom", "# HELP m Second.\n# TYPE m gauge\nm{f=\"b\"} 2\n");
  d.Write("c.prom", "# TYPE m counter\nm{f=\"c\"} 3\n");
  d.Write("d.prom", "dup 2\ndup{x=\"new\"} 3\n");
  std::vector<std::string> w;
  Families f = RunTextfile({d.dir()}, &w);
  EXPECT_EQ(ScrapeError(f), 1);
  const auto* m = FindFamily(f, "m");
  ASSERT_EQ(m->metric.size(), 1u);
  EXPECT_EQ(m->help, "First.");
  EXPECT_EQ(FindValue(f, "dup"), 1);  // the first file's series wins
  EXPECT_EQ(FindValue(f, "dup", {{"x", "new"}}), 3);
  const std::string p = d.dir() + "/";
  EXPECT_EQ(
      Joined(w),
      p + "b.prom: family m has HELP \"Second.\" here but \"First.\" in " + p +
          "a.prom, dropped\n" + p +
          "c.prom: family m is a counter here but a gauge in " + p +
          "a.prom, dropped\n" + p +
          "d.prom: 1 series of family dup already read from another file, "
          "dropped (first: dup{x=\"\"})\n");
  // The files themselves were read: they keep their mtime.
  EXPECT_EQ(Family(f, "node_textfile_mtime_seconds").metric.size(), 4u);
}

TEST(TextfileCollectorTest, OwnFamilyNamesAreReserved) {
  TempRoot d;
  d.Write("a.prom", "node_textfile_scrape_error 0\nok 1\n");
  std::vector<std::string> w;
  Families f = RunTextfile({d.dir()}, &w);
  EXPECT_EQ(ScrapeError(f), 1);
  EXPECT_EQ(FindValue(f, "ok"), 1);
  EXPECT_EQ(Family(f, "node_textfile_scrape_error").metric.size(), 1u);
  EXPECT_EQ(Joined(w), d.dir() +
                           "/a.prom: family node_textfile_scrape_error is the "
                           "textfile collector's own, dropped\n");
}

TEST(TextfileCollectorTest, FifoSocketAndDirectoryAreSkippedWithoutBlocking) {
  TempRoot d;
  d.Write("ok.prom", "ok 1\n");
  ASSERT_EQ(::mkfifo((d.dir() + "/fifo.prom").c_str(), 0644), 0);
  fs::create_directory(d.dir() + "/dir.prom");
  int sock = ::socket(AF_UNIX, SOCK_STREAM, 0);
  ASSERT_GE(sock, 0);
  struct sockaddr_un addr {};
  addr.sun_family = AF_UNIX;
  const std::string sock_path = d.dir() + "/sock.prom";
  ASSERT_LT(sock_path.size(), sizeof addr.sun_path);
  std::copy(sock_path.begin(), sock_path.end(), addr.sun_path);
  ASSERT_EQ(
      ::bind(sock, reinterpret_cast<struct sockaddr*>(&addr), sizeof addr), 0);
  std::vector<std::string> w;
  Families f =
      RunTextfile({d.dir()}, &w);  // would hang here if the FIFO were opened
  ::close(sock);
  EXPECT_EQ(ScrapeError(f), 1);
  EXPECT_EQ(FindValue(f, "ok"), 1);
  const std::string p = d.dir() + "/";
  EXPECT_EQ(Joined(w), p + "dir.prom: is a directory, skipped\n" + p +
                           "fifo.prom: is a FIFO, skipped\n" + p +
                           "sock.prom: is a socket, skipped\n");
}

TEST(TextfileCollectorTest, SymlinksOnlyIntoTheDirectory) {
  TempRoot outside;
  outside.Write("secret.prom", "secret 1\n");
  TempRoot d;
  d.Write("sub/real.txt", "inside 2\n");
  fs::create_symlink(d.dir() + "/sub/real.txt", d.dir() + "/in.prom");
  fs::create_symlink(outside.dir() + "/secret.prom", d.dir() + "/out.prom");
  fs::create_symlink(d.dir() + "/missing", d.dir() + "/broken.prom");
  ASSERT_EQ(::mkfifo((d.dir() + "/sub/fifo").c_str(), 0644), 0);
  fs::create_symlink("sub/fifo", d.dir() + "/tofifo.prom");
  std::vector<std::string> w;
  Families f = RunTextfile({d.dir()}, &w);
  EXPECT_EQ(FindValue(f, "inside"), 2);
  EXPECT_EQ(FindFamily(f, "secret"), nullptr);
  EXPECT_EQ(ScrapeError(f), 1);
  const std::string p = d.dir() + "/";
  char* real_outside = ::realpath(outside.dir().c_str(), nullptr);
  const std::string ro = real_outside;
  std::free(real_outside);
  EXPECT_EQ(Joined(w),
            p + "broken.prom: broken symlink: No such file or directory\n" + p +
                "out.prom: symlink to " + ro +
                "/secret.prom, outside the directory, not followed\n" + p +
                "tofifo.prom: is a FIFO, skipped\n");
  // The mtime of a followed symlink is under the link's own name.
  EXPECT_TRUE(
      FindValue(f, "node_textfile_mtime_seconds", {{"file", p + "in.prom"}}));
}

TEST(TextfileCollectorTest, SizeAndSeriesLimits) {
  TempRoot d;
  d.Write("big.prom", "big{x=\"" + std::string(2000, 'y') + "\"} 1\n");
  std::string many;
  for (int i = 0; i < 11; ++i)
    many += "many{i=\"" + std::to_string(i) + "\"} 1\n";
  d.Write("many.prom", many);
  d.Write("small.prom", "small 1\n");
  CollectorOptions o;
  o.Set("collector.textfile.max-file-size", {"1KiB"});
  o.Set("collector.textfile.max-series", {"10"});
  std::vector<std::string> w;
  Families f = RunTextfile({d.dir()}, &w, o);
  EXPECT_EQ(ScrapeError(f), 1);
  EXPECT_EQ(FindValue(f, "small"), 1);
  EXPECT_EQ(FindFamily(f, "big"), nullptr);
  EXPECT_EQ(FindFamily(f, "many"), nullptr);
  const std::string p = d.dir() + "/";
  EXPECT_EQ(Joined(w), p +
                           "big.prom: larger than 1024 bytes "
                           "(--collector.textfile.max-file-size), skipped\n" +
                           p + "many.prom: line 11: more than 10 series\n");
  // 0 lifts both limits.
  o.Set("collector.textfile.max-file-size", {"0"});
  o.Set("collector.textfile.max-series", {"0"});
  f = RunTextfile({d.dir()}, &w, o);
  EXPECT_EQ(ScrapeError(f), 0);
  EXPECT_EQ(Family(f, "many").metric.size(), 11u);
}

TEST(TextfileCollectorTest, InvalidLimitFlagsFailAtStartUp) {
  const CollectorSpec* spec = FindCollector("textfile");
  CollectorOptions o = DefaultOptions(*spec);
  o.Set("collector.textfile.max-file-size", {"lots"});
  EXPECT_THROW(spec->create(o), std::invalid_argument);
  o = DefaultOptions(*spec);
  o.Set("collector.textfile.max-series", {"-1"});
  EXPECT_THROW(spec->create(o), std::invalid_argument);
  o = DefaultOptions(*spec);
  o.Set("collector.textfile.max-file-size", {"2 MiB"});
  EXPECT_NE(spec->create(o), nullptr);
}

TEST(TextfileCollectorTest, SeveralDirectoriesAndGlobs) {
  TempRoot d;
  d.Write("x/a.prom", "from_x 1\n");
  d.Write("y/b.prom", "from_y 2\n");
  d.Write("z/c.prom", "from_z 3\n");
  std::vector<std::string> w;
  // A glob, the same directory again (read once), and a plain directory.
  Families f =
      RunTextfile({d.dir() + "/[xy]", d.dir() + "/x", d.dir() + "/z"}, &w);
  EXPECT_TRUE(w.empty()) << Joined(w);
  EXPECT_EQ(ScrapeError(f), 0);
  EXPECT_EQ(FindValue(f, "from_x"), 1);
  EXPECT_EQ(FindValue(f, "from_y"), 2);
  EXPECT_EQ(FindValue(f, "from_z"), 3);
  EXPECT_EQ(Family(f, "node_textfile_mtime_seconds").metric.size(), 3u);
}

TEST(TextfileCollectorTest, WarningsDoNotPileUpAcrossRuns) {
  TempRoot d;
  d.Write("bad.prom", "bad{ 1\n");
  const CollectorSpec* spec = FindCollector("textfile");
  CollectorOptions o = DefaultOptions(*spec);
  o.Set(kDir, {d.dir()});
  auto c = spec->create(o);
  c->Collect(FixturePaths());
  c->Collect(FixturePaths());
  EXPECT_EQ(c->TakeWarnings().size(), 1u);
}

}  // namespace
}  // namespace host_exporter::testing
