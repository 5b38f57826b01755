// The ZFS kstat parsers on strings, and the zfs collector on the fixture
// root.
#include "parse/zfs_kstat.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/unit/collector_test_util.h"

namespace host_exporter {
namespace {

using parse::ParseZfsKstat;
using parse::ParseZfsObjset;
using parse::ParseZfsPoolIo;
using parse::ParseZfsPoolState;

TEST(ZfsKstatParseTest, NamedKstatReadsUint64RowsOnly) {
  auto r = ParseZfsKstat(
      "13 1 0x01 96 26112 5214787391 73405258558961\n"
      "name                            type data\n"
      "hits                            4    8772612\n"
      "erpt-dropped                    4    18\n"
      "memory_free_bytes               3    2054045696\n"
      "some_string                     7    hello\n"
      "short 4\n"
      "max                             4    18446744073709551615\n");
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.value.size(), 3u);
  EXPECT_EQ(r.value[0].name, "hits");
  EXPECT_EQ(r.value[0].value, 8772612u);
  EXPECT_EQ(r.value[1].name, "erpt-dropped");
  EXPECT_EQ(r.value[2].value, 18446744073709551615u);
}

TEST(ZfsKstatParseTest, RowsBeforeTheHeaderAreIgnored) {
  auto r = ParseZfsKstat("hits 4 1\nname type data\nmisses 4 2 extra\n");
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.value.size(), 1u);
  EXPECT_EQ(r.value[0].name, "misses");
}

TEST(ZfsKstatParseTest, EmptyTruncatedGarbageAndHuge) {
  EXPECT_EQ(ParseZfsKstat("").error, "no 'name type data' header");
  EXPECT_EQ(ParseZfsKstat("13 1 0x01\nname type\n").error,
            "no 'name type data' header");
  EXPECT_EQ(ParseZfsKstat("name type data\nhits 4 lots\n").error,
            "line 2: 'hits' is not an unsigned integer: 'lots'");
  EXPECT_EQ(
      ParseZfsKstat("name type data\nhits 4 18446744073709551616\n").error,
      "line 2: 'hits' is not an unsigned integer: "
      "'18446744073709551616'");
  EXPECT_EQ(ParseZfsKstat("name type data\nneg 4 -1\n").error,
            "line 2: 'neg' is not an unsigned integer: '-1'");
}

TEST(ZfsKstatParseTest, PoolIo) {
  auto r = ParseZfsPoolIo(
      "12 3 0x00 1 80 2225326830828 32953476980628\n"
      "nread    nwritten reads    writes   wtime    wlentime wupdate  rtime    "
      "rlentime rupdate  wcnt     rcnt\n"
      "1884160  3206144  22       132      7155162  104112268 1375100000  "
      "43342135 5134413454 1375100000  0        1\n");
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.value.size(), 12u);
  EXPECT_EQ(r.value[0].name, "nread");
  EXPECT_EQ(r.value[0].value, 1884160u);
  EXPECT_EQ(r.value[11].name, "rcnt");
  EXPECT_EQ(r.value[11].value, 1u);
  // No header: nothing, no error (ZFS 2.x has no io kstat content).
  auto none = ParseZfsPoolIo("");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none.value.empty());
  // A short header is no header.
  EXPECT_TRUE(ParseZfsPoolIo("nread nwritten\n1 2\n").value.empty());
  EXPECT_EQ(ParseZfsPoolIo("nread a b c d e f g h i j k\n1 2 3\n").error,
            "line 2: expected 12 values, got 3");
  EXPECT_EQ(ParseZfsPoolIo("nread a b c d e f g h i j k\n"
                           "1 2 3 4 5 6 7 8 9 10 11 x\n")
                .error,
            "line 2: 'k' is not an unsigned integer: 'x'");
}

TEST(ZfsKstatParseTest, Objset) {
  auto r = ParseZfsObjset(
      "32 1 0x01 7 2160 221578688875 6665999035587\n"
      "name                            type data\n"
      "dataset_name                    7    tank/home\n"
      "writes                          4    4\n"
      "nwritten                        4    12302\n");
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.value.size(), 2u);
  EXPECT_EQ(r.value[0].dataset, "tank/home");
  EXPECT_TRUE(r.value[0].after_dataset_name);
  EXPECT_EQ(r.value[1].name, "nwritten");
  EXPECT_EQ(r.value[1].value, 12302u);
  // A value before the dataset name belongs to no dataset.
  auto early = ParseZfsObjset("name type data\nreads 4 1\ndataset_name 7 t\n");
  ASSERT_TRUE(early.ok());
  EXPECT_FALSE(early.value[0].after_dataset_name);
  EXPECT_EQ(early.value[0].dataset, "");
  EXPECT_EQ(ParseZfsObjset("dataset_name 7 t\n").error,
            "no 'name type data' header");
}

TEST(ZfsKstatParseTest, PoolState) {
  EXPECT_EQ(ParseZfsPoolState("ONLINE\n"), "online");
  EXPECT_EQ(ParseZfsPoolState("DEGRADED"), "degraded");
  EXPECT_EQ(ParseZfsPoolState(""), "");
}

using testing::Family;
using testing::FindFamily;
using testing::FindValue;
using testing::RunCollector;

}  // namespace
}  // namespace host_exporter
