// /proc/diskstats and udev parsers on strings; the diskstats collector on the
// fixture root and on small generated roots.
#include "parse/diskstats.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "tests/unit/collector_test_util.h"

namespace host_exporter {
namespace {

using parse::DiskStats;
using parse::ParseDiskstats;
using parse::ParseUdevProperties;

// Kernel 5.5+: 17 counters.
constexpr char kKernel55[] =
    "   8       0 sda 151029 21474 18542386 93117 87311 64210 9120446 218933 "
    "2 177612 330214 1201 7 4193280 1522 3007 17164\n"
    "   8       1 sda1 912 1404 60108 533 3 0 24 5 0 488 538 0 0 0 0 0 0\n";

TEST(ParseDiskstatsTest, Kernel55HasDiscardsAndFlushes) {
  auto r = ParseDiskstats(kKernel55);
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.value.size(), 2u);
  const DiskStats& d = r.value[0];
  EXPECT_EQ(d.major, 8u);
  EXPECT_EQ(d.minor, 0u);
  EXPECT_EQ(d.name, "sda");
  EXPECT_EQ(d.count, 17u);
  EXPECT_EQ(d.stats[parse::kReadsCompleted], 151029u);
  EXPECT_EQ(d.stats[parse::kSectorsRead], 18542386u);
  EXPECT_EQ(d.stats[parse::kIosInProgress], 2u);
  EXPECT_EQ(d.stats[parse::kWeightedIoTicksMs], 330214u);
  EXPECT_EQ(d.stats[parse::kSectorsDiscarded], 4193280u);
  EXPECT_EQ(d.stats[parse::kFlushRequests], 3007u);
  EXPECT_EQ(d.stats[parse::kFlushTicksMs], 17164u);
  EXPECT_EQ(r.value[1].name, "sda1");
  EXPECT_EQ(r.value[1].minor, 1u);
}

TEST(ParseDiskstatsTest, Kernel418HasDiscardsOnly) {
  auto r = ParseDiskstats(
      " 259 0 nvme0n1 10 20 30 40 50 60 70 80 90 100 110 120 130 140 150\n");
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.value.size(), 1u);
  EXPECT_EQ(r.value[0].count, 15u);
  EXPECT_EQ(r.value[0].stats[parse::kDiscardTicksMs], 150u);
  EXPECT_EQ(r.value[0].stats[parse::kFlushRequests], 0u);
}

TEST(ParseDiskstatsTest, OldKernelHasElevenCounters) {
  auto r = ParseDiskstats(
      "   3    0   hda 446216 784926 9550688 4382310 "
      "424847 312726 5922052 19310380 0 3376340 "
      "23705160\n");
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.value.size(), 1u);
  EXPECT_EQ(r.value[0].name, "hda");
  EXPECT_EQ(r.value[0].count, 11u);
  EXPECT_EQ(r.value[0].stats[parse::kIoTicksMs], 3376340u);
  EXPECT_EQ(r.value[0].stats[parse::kDiscardsCompleted], 0u);
}

TEST(ParseDiskstatsTest, ExtraColumnsAreIgnoredUnread) {
  // A future kernel's 18th counter, and anything after it, is not read.
  auto r = ParseDiskstats(
      "8 0 sda 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 whatever\n");
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.value.size(), 1u);
  EXPECT_EQ(r.value[0].count, 17u);
  EXPECT_EQ(r.value[0].stats[parse::kFlushTicksMs], 17u);
}

TEST(ParseDiskstatsTest, TruncatedLinesAreSkippedAsNodeExporterDoes) {
  // Pre-2.6.25 partition lines had 4 counters; node_exporter skips lines
  // with fewer than 14 fields, and so do we.
  auto r = ParseDiskstats(
      "   3    1 hda1 35486 38030 38030 38030\n"
      "8 0 sda 1 2 3 4 5 6 7 8 9 10\n"
      "\n"
      "8 16 sdb 1 2 3 4 5 6 7 8 9 10 11\n");
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.value.size(), 1u);
  EXPECT_EQ(r.value[0].name, "sdb");
}

TEST(ParseDiskstatsTest, HugeNumbers) {
  auto r = ParseDiskstats("8 0 sda 18446744073709551615 0 0 0 0 0 0 0 0 0 0\n");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.value[0].stats[parse::kReadsCompleted], 18446744073709551615u);

  EXPECT_EQ(
      ParseDiskstats("8 0 sda 1 0 0 0 0 0 0 0 0 0 0\n"
                     "8 1 sda1 18446744073709551616 0 0 0 0 0 0 0 0 0 0\n")
          .error,
      "line 2: field 4 is not an unsigned integer: '18446744073709551616'");
  EXPECT_EQ(ParseDiskstats("4294967296 0 sda 1 0 0 0 0 0 0 0 0 0 0\n").error,
            "line 1: field 1 is not an unsigned integer: '4294967296'");
}

TEST(ParseDiskstatsTest, EmptyFileHasNoDevices) {
  auto r = ParseDiskstats("");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_TRUE(r.value.empty());
}

TEST(ParseDiskstatsTest, RejectsGarbage) {
  EXPECT_EQ(ParseDiskstats("a b c d e f g h i j k l m n\n").error,
            "line 1: field 1 is not an unsigned integer: 'a'");
  EXPECT_EQ(ParseDiskstats("8 0 sda 1 2 3 x 5 6 7 8 9 10 11\n").error,
            "line 1: field 7 is not an unsigned integer: 'x'");
  EXPECT_EQ(ParseDiskstats("8 0 sda 1 2 3 -4 5 6 7 8 9 10 11\n").error,
            "line 1: field 7 is not an unsigned integer: '-4'");
}

// Parsing into a kept vector reuses its entries: each file's devices and
// counters as a fresh parse gives them, none left over from the last.
TEST(ParseDiskstatsTest, IntoAKeptVectorGivesWhatAFreshParseGives) {
  std::vector<parse::DiskStats> kept;
  const char* kFiles[] = {
      "8 0 sda 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17\n"
      "8 16 a-much-longer-device-name 1 2 3 4 5 6 7 8 9 10 11\n",
      "8 0 sda 1 2 3 4 5 6 7 8 9 10 11\n",
      "",
      "8 16 sdb 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15\n"
      "8 0 sda 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9\n",
  };
  for (const char* text : kFiles) {
    ASSERT_EQ(parse::ParseDiskstatsInto(text, &kept), "") << text;
    const auto fresh = ParseDiskstats(text);
    ASSERT_TRUE(fresh.ok());
    ASSERT_EQ(kept.size(), fresh.value.size()) << text;
    for (size_t i = 0; i < kept.size(); ++i) {
      EXPECT_EQ(kept[i].name, fresh.value[i].name) << text;
      EXPECT_EQ(kept[i].major, fresh.value[i].major) << text;
      EXPECT_EQ(kept[i].minor, fresh.value[i].minor) << text;
      EXPECT_EQ(kept[i].count, fresh.value[i].count) << text;
      EXPECT_EQ(kept[i].stats, fresh.value[i].stats) << text;
    }
  }
  EXPECT_EQ(parse::ParseDiskstatsInto("8 0 sda 1 2 3 4 5 6 7 8 9 10 11\n"
                                      "8 0 sdb 1 2 x 4 5 6 7 8 9 10 11\n",
                                      &kept),
            "line 2: field 6 is not an unsigned integer: 'x'");
}

TEST(ParseUdevPropertiesTest, KeepsOnlyDeviceProperties) {
  auto r = ParseUdevProperties(
      "S:disk/by-id/wwn-0x5000\n"
      "W:37\n"
      "E:ID_MODEL=Some Disk\n"
      "E:ID_PATH=pci-0000:00:17.0-ata-1\n"
      "E:WEIRD=a=b\n"
      "E:NOEQUALS\n"
      "E:EMPTY=\n"
      "G:systemd\n");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value.size(), 4u);
  EXPECT_EQ(r.value["ID_MODEL"], "Some Disk");
  EXPECT_EQ(r.value["ID_PATH"], "pci-0000:00:17.0-ata-1");
  EXPECT_EQ(r.value["WEIRD"], "a=b");
  EXPECT_EQ(r.value.count("EMPTY"), 1u);
  EXPECT_EQ(r.value.count("NOEQUALS"), 0u);
  EXPECT_EQ(r.value.count("S"), 0u);
  EXPECT_TRUE(ParseUdevProperties("").value.empty());
}

}  // namespace

namespace testing {
namespace {

// A scratch root with a procfs holding only `diskstats`, removed afterwards.
// A root holding only <root>/proc/diskstats.
class DiskstatsRoot : public TempRoot {
 public:
  explicit DiskstatsRoot(const std::string& diskstats) {
    Write("proc/diskstats", diskstats);
  }
  const std::string& root() const { return dir(); }
};

CollectorOptions With(const std::string& flag, const std::string& value) {
  CollectorOptions o;
  o.Set(flag, {value});
  return o;
}

const Labels kSda = {{"device", "sda"}};
const Labels kNvme = {{"device", "nvme0n1"}};

TEST(DiskstatsCollectorTest, ExposesEveryFamilyOnTheFixture) {
  Families fams = RunCollector("diskstats");
  for (const char* name : {"node_disk_info",
                           "node_disk_reads_completed_total",
                           "node_disk_reads_merged_total",
                           "node_disk_read_bytes_total",
                           "node_disk_read_time_seconds_total",
                           "node_disk_writes_completed_total",
                           "node_disk_writes_merged_total",
                           "node_disk_written_bytes_total",
                           "node_disk_write_time_seconds_total",
                           "node_disk_io_now",
                           "node_disk_io_time_seconds_total",
                           "node_disk_io_time_weighted_seconds_total",
                           "node_disk_discards_completed_total",
                           "node_disk_discards_merged_total",
                           "node_disk_discarded_sectors_total",
                           "node_disk_discard_time_seconds_total",
                           "node_disk_flush_requests_total",
                           "node_disk_flush_requests_time_seconds_total",
                           "node_disk_filesystem_info",
                           "node_disk_device_mapper_info",
                           "node_disk_ata_write_cache",
                           "node_disk_ata_write_cache_enabled",
                           "node_disk_ata_rotation_rate_rpm"}) {
    EXPECT_NE(FindFamily(fams, name), nullptr) << name;
  }
  EXPECT_EQ(fams.size(), 23u);
  EXPECT_EQ(Family(fams, "node_disk_io_now").type,
            prometheus::MetricType::Gauge);
  EXPECT_EQ(Family(fams, "node_disk_reads_completed_total").type,
            prometheus::MetricType::Counter);
  EXPECT_EQ(Family(fams, "node_disk_info").help,
            "Info of /sys/block/<block_device>.");
}

TEST(DiskstatsCollectorTest, ConvertsUnitsLikeNodeExporter) {
  Families fams = RunCollector("diskstats");
  EXPECT_EQ(FindValue(fams, "node_disk_reads_completed_total", kSda), 151029);
  EXPECT_EQ(FindValue(fams, "node_disk_reads_merged_total", kSda), 21474);
  EXPECT_EQ(FindValue(fams, "node_disk_read_bytes_total", kSda),
            18542386.0 * 512);
  EXPECT_DOUBLE_EQ(*FindValue(fams, "node_disk_read_time_seconds_total", kSda),
                   93.117);
  EXPECT_EQ(FindValue(fams, "node_disk_written_bytes_total", kSda),
            9120446.0 * 512);
  EXPECT_EQ(FindValue(fams, "node_disk_io_now", kNvme), 11);
  EXPECT_DOUBLE_EQ(*FindValue(fams, "node_disk_io_time_seconds_total", kNvme),
                   2117.82);
  EXPECT_DOUBLE_EQ(
      *FindValue(fams, "node_disk_io_time_weighted_seconds_total", kNvme),
      11670.213);
  // Discarded sectors stay sectors, as in node_exporter 1.5.
  EXPECT_EQ(FindValue(fams, "node_disk_discarded_sectors_total", kNvme),
            1010630656);
  EXPECT_EQ(FindValue(fams, "node_disk_discards_merged_total", kSda), 7);
  EXPECT_EQ(FindValue(fams, "node_disk_flush_requests_total", kNvme), 201111);
  EXPECT_DOUBLE_EQ(
      *FindValue(fams, "node_disk_flush_requests_time_seconds_total", kNvme),
      36.487);
}

TEST(DiskstatsCollectorTest, DefaultExcludeDropsPartitionsAndLoops) {
  Families fams = RunCollector("diskstats");
  for (const char* dev : {"sda", "nvme0n1", "dm-0", "sr0"}) {
    EXPECT_TRUE(FindValue(fams, "node_disk_io_now", {{"device", dev}})) << dev;
  }
  for (const char* dev : {"loop0", "loop1", "sda1", "sda2", "nvme0n1p1"}) {
    EXPECT_FALSE(FindValue(fams, "node_disk_io_now", {{"device", dev}})) << dev;
  }
  EXPECT_EQ(Family(fams, "node_disk_info").metric.size(), 4u);
}

TEST(DiskstatsCollectorTest, InfoLabelsComeFromUdev) {
  Families fams = RunCollector("diskstats");
  // ID_SERIAL_SHORT, not SCSI_IDENT_SERIAL (as node_exporter 1.5).
  EXPECT_EQ(FindValue(fams, "node_disk_info",
                      {{"device", "sda"},
                       {"major", "8"},
                       {"minor", "0"},
                       {"path", "pci-0000:00:17.0-ata-1"},
                       {"wwn", "0x50014ee2b6d9e2f1"},
                       {"model", "WDC_WD40EFRX-68N32N0"},
                       {"serial", "WD-WCC7K4NLX3PE"},
                       {"revision", "82.00A82"}}),
            1);
  EXPECT_EQ(FindValue(fams, "node_disk_info",
                      {{"device", "nvme0n1"},
                       {"major", "259"},
                       {"minor", "0"},
                       {"path", "pci-0000:01:00.0-nvme-1"},
                       {"wwn", "eui.0025385891b0c2a7"},
                       {"model", "Samsung SSD 970 EVO Plus 1TB"},
                       {"serial", "S4EWNX0R812345X"},
                       {"revision", "2B2QEXM7"}}),
            1);
  // No udev database entry: the labels are there, empty.
  EXPECT_EQ(FindValue(fams, "node_disk_info",
                      {{"device", "sr0"},
                       {"major", "11"},
                       {"minor", "0"},
                       {"path", ""},
                       {"wwn", ""},
                       {"model", ""},
                       {"serial", ""},
                       {"revision", ""}}),
            1);
}

TEST(DiskstatsCollectorTest, FilesystemDeviceMapperAndAtaFromUdev) {
  Families fams = RunCollector("diskstats");
  EXPECT_EQ(FindValue(fams, "node_disk_filesystem_info",
                      {{"device", "dm-0"},
                       {"type", "ext4"},
                       {"usage", "filesystem"},
                       {"uuid", "3b1f7a52-6c0e-4d8e-9f27-a1c4b5d6e7f8"},
                       {"version", "1.0"}}),
            1);
  EXPECT_EQ(Family(fams, "node_disk_filesystem_info").metric.size(), 1u);
  EXPECT_EQ(FindValue(fams, "node_disk_device_mapper_info",
                      {{"device", "dm-0"},
                       {"name", "vg0-root"},
                       {"uuid",
                        "LVM-Qm9vdFZHMFJvb3RVVUlEMDAwMDAwMDAwMDAwMDAwMDAwMDAw"},
                       {"vg_name", "vg0"},
                       {"lv_name", "root"},
                       {"lv_layer", ""}}),
            1);
  EXPECT_EQ(FindValue(fams, "node_disk_ata_rotation_rate_rpm", kSda), 5400);
  EXPECT_EQ(FindValue(fams, "node_disk_ata_write_cache", kSda), 1);
  EXPECT_EQ(FindValue(fams, "node_disk_ata_write_cache_enabled", kSda), 1);
  // The NVMe disk is not ATA.
  EXPECT_EQ(Family(fams, "node_disk_ata_write_cache").metric.size(), 1u);
}

TEST(DiskstatsCollectorTest, IncludeReplacesTheDefaultExclude) {
  Families fams = RunCollector(
      "diskstats", With("collector.diskstats.device-include", "^nvme"));
  EXPECT_TRUE(FindValue(fams, "node_disk_io_now", kNvme));
  EXPECT_TRUE(FindValue(fams, "node_disk_io_now", {{"device", "nvme0n1p1"}}));
  EXPECT_EQ(Family(fams, "node_disk_io_now").metric.size(), 2u);
}

TEST(DiskstatsCollectorTest, EmptyExcludeKeepsEverything) {
  Families fams =
      RunCollector("diskstats", With("collector.diskstats.device-exclude", ""));
  EXPECT_EQ(Family(fams, "node_disk_io_now").metric.size(), 9u);
}

TEST(DiskstatsCollectorTest, DeprecatedIgnoredDevicesStandsInForExclude) {
  Families fams = RunCollector(
      "diskstats", With("collector.diskstats.ignored-devices", "^(sd|dm-)"));
  EXPECT_FALSE(FindValue(fams, "node_disk_io_now", kSda));
  EXPECT_TRUE(FindValue(fams, "node_disk_io_now", {{"device", "loop0"}}));
  EXPECT_TRUE(FindValue(fams, "node_disk_io_now", kNvme));
}

TEST(DiskstatsCollectorTest, ConflictingFlagsAreRejectedAtCreation) {
  CollectorOptions both = With("collector.diskstats.device-include", "^sd");
  both.Set("collector.diskstats.device-exclude", {"^loop"});
  EXPECT_THROW(RunCollector("diskstats", both), std::invalid_argument);

  CollectorOptions old_and_new =
      With("collector.diskstats.ignored-devices", "^loop");
  old_and_new.Set("collector.diskstats.device-exclude", {"^sr"});
  EXPECT_THROW(RunCollector("diskstats", old_and_new), std::invalid_argument);

  try {
    RunCollector("diskstats", With("collector.diskstats.device-include", "("));
    FAIL() << "expected invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(
        std::string(e.what()).find("--collector.diskstats.device-include"),
        std::string::npos)
        << e.what();
  }
}

TEST(DiskstatsCollectorTest, OldKernelHasNoDiscardOrFlushFamilies) {
  DiskstatsRoot root(
      "   8       0 sda 446216 784926 9550688 4382310 424847 312726 5922052 "
      "19310380 0 3376340 23705160\n");
  Families fams = RunCollector("diskstats", {}, root.paths());
  EXPECT_EQ(FindValue(fams, "node_disk_io_time_weighted_seconds_total", kSda),
            23705.16);
  EXPECT_EQ(FindFamily(fams, "node_disk_discards_completed_total"), nullptr);
  EXPECT_EQ(FindFamily(fams, "node_disk_flush_requests_total"), nullptr);
  // No udev database under this root: info with empty labels, nothing else.
  EXPECT_EQ(FindValue(fams, "node_disk_info",
                      {{"device", "sda"},
                       {"major", "8"},
                       {"minor", "0"},
                       {"path", ""},
                       {"wwn", ""},
                       {"model", ""},
                       {"serial", ""},
                       {"revision", ""}}),
            1);
  EXPECT_EQ(FindFamily(fams, "node_disk_ata_write_cache"), nullptr);
  EXPECT_EQ(fams.size(), 12u);
}

TEST(DiskstatsCollectorTest, Kernel418HasDiscardsButNoFlushes) {
  DiskstatsRoot root("8 0 sda 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15\n");
  Families fams = RunCollector("diskstats", {}, root.paths());
  EXPECT_EQ(FindValue(fams, "node_disk_discarded_sectors_total", kSda), 14);
  EXPECT_EQ(FindFamily(fams, "node_disk_flush_requests_total"), nullptr);
}

TEST(DiskstatsCollectorTest, UnparsableAtaValueIsSkipped) {
  DiskstatsRoot root("8 0 sda 1 2 3 4 5 6 7 8 9 10 11\n");
  std::filesystem::create_directories(root.root() + "/run/udev/data");
  std::ofstream(root.root() + "/run/udev/data/b8:0")
      << "E:ID_ATA=1\nE:ID_ATA_ROTATION_RATE_RPM=fast\n"
         "E:ID_ATA_WRITE_CACHE=0\nE:ID_SERIAL=only-long-serial\n";
  Families fams = RunCollector("diskstats", {}, root.paths());
  EXPECT_EQ(FindFamily(fams, "node_disk_ata_rotation_rate_rpm"), nullptr);
  EXPECT_EQ(FindValue(fams, "node_disk_ata_write_cache", kSda), 0);
  EXPECT_EQ(FindFamily(fams, "node_disk_ata_write_cache_enabled"), nullptr);
  // node_exporter 1.5 does not fall back to ID_SERIAL.
  EXPECT_EQ(FindValue(fams, "node_disk_info",
                      {{"device", "sda"},
                       {"major", "8"},
                       {"minor", "0"},
                       {"path", ""},
                       {"wwn", ""},
                       {"model", ""},
                       {"serial", ""},
                       {"revision", ""}}),
            1);
}

// Every queue stats file procfs reads, each parsing, with rotational
// `rotational`.
void WriteQueue(const TempRoot& root, const std::string& device,
                const std::string& rotational) {
  const std::string queue = "sys/block/" + device + "/queue/";
  for (const char* f : parse::kQueueUnsignedFiles) root.Write(queue + f, "0\n");
  for (const char* f : parse::kQueueSignedFiles) root.Write(queue + f, "-1\n");
  for (const char* f : parse::kQueueTextFiles) root.Write(queue + f, "none\n");
  root.Write(queue + "rotational", rotational + "\n");
}

// The rotational label of a disk's node_disk_info, or "" without one.
std::string RotationalOf(const Families& fams, const std::string& device) {
  const auto* info = FindFamily(fams, "node_disk_info");
  if (info == nullptr) return "";
  for (const auto& m : info->metric) {
    std::string dev, rot;
    for (const auto& l : m.label) {
      if (l.name == "device") dev = l.value;
      if (l.name == "rotational") rot = l.value;
    }
    if (dev == device) return rot;
  }
  return "";
}

// node_exporter 1.9's rotational label: the queue files are checked once per
// queue directory (again when it changes), rotational itself is read every
// cycle through a kept descriptor; a device that goes has it closed.
TEST(DiskstatsCollectorTest, RotationalKeptPerQueueDirectory) {
  DiskstatsRoot root(
      "   8       0 sda 1 0 2 3 4 0 5 6 0 7 8\n"
      "   8      16 sdb 1 0 2 3 4 0 5 6 0 7 8\n");
  WriteQueue(root, "sda", "1");
  WriteQueue(root, "sdb", "1");
  const std::string sda_queue = root.root() + "/sys/block/sda/queue";
  auto c = MakeCollector("diskstats", With(kNodeExporterCompatKey, "1.9"));
  Families fams = c->Collect(root.paths());
  EXPECT_EQ(RotationalOf(fams, "sda"), "1");
  EXPECT_EQ(RotationalOf(fams, "sdb"), "1");
  EXPECT_EQ(CountKeptUnder(sda_queue), 1u);  // rotational

  // rotational rewritten (as by a write to it): seen at once.
  root.Write("sys/block/sda/queue/rotational", "0\n");
  EXPECT_EQ(RotationalOf(c->Collect(root.paths()), "sda"), "0");
  root.Write("sys/block/sda/queue/rotational", "1\n");
  EXPECT_EQ(RotationalOf(c->Collect(root.paths()), "sda"), "1");

  // A file removed changes the directory: checked again, "0" (procfs' all
  // zeros); back, "1" again.
  std::filesystem::remove(sda_queue + "/io_timeout");
  EXPECT_EQ(RotationalOf(c->Collect(root.paths()), "sda"), "0");
  root.Write("sys/block/sda/queue/io_timeout", "30000\n");
  EXPECT_EQ(RotationalOf(c->Collect(root.paths()), "sda"), "1");

  // The device directory replaced by another device's (no io_timeout).
  std::filesystem::remove_all(root.root() + "/sys/block/sda");
  WriteQueue(root, "sda", "1");
  std::filesystem::remove(sda_queue + "/io_timeout");
  EXPECT_EQ(RotationalOf(c->Collect(root.paths()), "sda"), "0");
  EXPECT_EQ(RotationalOf(c->Collect(root.paths()), "sdb"), "1");

  // sda gone from diskstats: its kept descriptor is closed.
  root.Write("sys/block/sda/queue/io_timeout", "30000\n");
  EXPECT_EQ(RotationalOf(c->Collect(root.paths()), "sda"), "1");
  EXPECT_EQ(CountKeptUnder(sda_queue), 1u);
  root.Write("proc/diskstats", "   8      16 sdb 1 0 2 3 4 0 5 6 0 7 8\n");
  fams = c->Collect(root.paths());
  EXPECT_EQ(RotationalOf(fams, "sda"), "");
  EXPECT_EQ(CountKeptUnder(sda_queue), 0u);
  ForgetKeptUnder(root.root() + "/sys/block/sdb/queue");
}

// The udev database file of a disk is parsed again only when it changes.
TEST(DiskstatsCollectorTest, UdevFileKeptUntilItChanges) {
  DiskstatsRoot root("   8       0 sda 1 0 2 3 4 0 5 6 0 7 8\n");
  const std::string db = root.Write("run/udev/data/b8:0", "E:ID_MODEL=AAA\n");
  const struct timespec t[2] = {{1000, 0}, {1000, 0}};
  ASSERT_EQ(::utimensat(AT_FDCWD, db.c_str(), t, 0), 0);
  HostPaths paths = root.paths();
  auto c = MakeCollector("diskstats");
  auto model = [&] {
    const Families fams = c->Collect(paths);
    const auto* info = FindFamily(fams, "node_disk_info");
    if (info == nullptr || info->metric.empty()) return std::string("?");
    for (const auto& l : info->metric[0].label) {
      if (l.name == "model") return l.value;
    }
    return std::string("?");
  };
  EXPECT_EQ(model(), "AAA");
  root.Write("run/udev/data/b8:0", "E:ID_MODEL=BBB\n");  // same size
  ASSERT_EQ(::utimensat(AT_FDCWD, db.c_str(), t, 0), 0);
  EXPECT_EQ(model(), "AAA");  // same stat: not read again
  const struct timespec t2[2] = {{1001, 0}, {1001, 0}};
  ASSERT_EQ(::utimensat(AT_FDCWD, db.c_str(), t2, 0), 0);
  EXPECT_EQ(model(), "BBB");

  // The database directory replaced under the one the collector keeps
  // open: the file of the new one is read.
  std::filesystem::rename(root.root() + "/run/udev/data",
                          root.root() + "/run/udev/data.old");
  root.Write("run/udev/data/b8:0", "E:ID_MODEL=CCC\n");
  EXPECT_EQ(model(), "CCC");
  std::filesystem::remove(db);
  EXPECT_EQ(model(), "");
}

TEST(DiskstatsCollectorTest, SteadyRunsAlike) {
  ExpectSteadyRunsAlike("diskstats");
  ExpectSteadyRunsAlike("diskstats", With(kNodeExporterCompatKey, "1.9"));
}

// What one instance keeps of each device (its label strings, its udev
// file's and queue directory's paths, the filters' verdict) follows the
// devices /proc/diskstats lists: one added, one gone, one renamed and one
// whose numbers changed show in the next run as in a new instance's.
TEST(DiskstatsCollectorTest, KeptDevicesFollowTheFile) {
  DiskstatsRoot root(
      "8 0 sda 1 0 2 3 4 0 5 6 0 7 8\n"
      "8 16 sdb 1 0 2 3 4 0 5 6 0 7 8\n");
  root.Write("run/udev/data/b8:0", "E:ID_MODEL=AAA\n");
  root.Write("run/udev/data/b8:32", "E:ID_MODEL=CCC\n");
  root.Write("run/udev/data/b8:48", "E:ID_MODEL=DDD\n");
  WriteQueue(root, "sda", "1");
  WriteQueue(root, "sdb", "0");
  WriteQueue(root, "sdc", "1");
  auto kept = MakeCollector("diskstats", With(kNodeExporterCompatKey, "1.9"));
  auto text = [&](Collector& c) {
    return EncodeText(c.Collect(root.paths()), Escaping::kUnderscores, true);
  };
  auto fresh = [&] {
    auto c = MakeCollector("diskstats", With(kNodeExporterCompatKey, "1.9"));
    return text(*c);
  };
  const std::string first = text(*kept);
  EXPECT_NE(first.find("model=\"AAA\""), std::string::npos) << first;
  for (const char* diskstats : {
           // sdc added between them
           "8 0 sda 1 0 2 3 4 0 5 6 0 7 8\n"
           "8 32 sdc 1 0 2 3 4 0 5 6 0 7 8\n"
           "8 16 sdb 1 0 2 3 4 0 5 6 0 7 8\n",
           // sda gone
           "8 32 sdc 1 0 2 3 4 0 5 6 0 7 8\n"
           "8 16 sdb 1 0 2 3 4 0 5 6 0 7 8\n",
           // sdb renamed sda, same numbers
           "8 32 sdc 1 0 2 3 4 0 5 6 0 7 8\n"
           "8 16 sda 1 0 2 3 4 0 5 6 0 7 8\n",
           // sdc's numbers changed (another udev file)
           "8 48 sdc 1 0 2 3 4 0 5 6 0 7 8\n"
           "8 16 sda 1 0 2 3 4 0 5 6 0 7 8\n",
           // a partition the default filter drops, under a kept number
           "8 48 sdc1 1 0 2 3 4 0 5 6 0 7 8\n"
           "8 16 sda 1 0 2 3 4 0 5 6 0 7 8\n",
       }) {
    root.Write("proc/diskstats", diskstats);
    EXPECT_EQ(text(*kept), fresh()) << diskstats;
  }
  for (const char* d : {"sda", "sdb", "sdc"}) {
    ForgetKeptUnder(root.root() + "/sys/block/" + d + "/queue");
  }
}

TEST(DiskstatsCollectorTest, MalformedFileIsACollectErrorNamingIt) {
  DiskstatsRoot root("8 0 sda 1 2 3 oops 5 6 7 8 9 10 11\n");
  try {
    RunCollector("diskstats", {}, root.paths());
    FAIL() << "expected CollectError";
  } catch (const CollectError& e) {
    EXPECT_EQ(std::string(e.what()),
              root.root() +
                  "/proc/diskstats: line 1: field 7 is not an unsigned "
                  "integer: 'oops'");
  }
}

TEST(DiskstatsCollectorTest, MissingFileIsACollectError) {
  EXPECT_THROW(RunCollector("diskstats", {}, FixturePaths("/nonexistent")),
               CollectError);
}

}  // namespace
}  // namespace testing
}  // namespace host_exporter
