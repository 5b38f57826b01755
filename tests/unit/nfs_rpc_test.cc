// The /proc/net/rpc/nfs{,d} parsers on strings.
#include "parse/nfs_rpc.h"

#include <gtest/gtest.h>

#include <string>

namespace host_exporter {
namespace {

using parse::ParseNfsClientStats;
using parse::ParseNfsServerStats;

// "<n> <first> <first+1> ... <first+n-1>"
std::string Seq(int n, int first) {
  std::string s = std::to_string(n);
  for (int i = 0; i < n; ++i) s += " " + std::to_string(first + i);
  return s;
}

TEST(NfsClientParseTest, ModernKernel) {
  auto r = ParseNfsClientStats(
      "net 70314 11 70303 37\n"
      "rpc 4329785 17 4338291\n"
      "proc2 " +
      Seq(18, 200) +
      "\n"
      "proc3 " +
      Seq(22, 300) +
      "\n"
      "proc4 " +
      Seq(69, 400) + "\n");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.value.network.udp_count, 11u);
  EXPECT_EQ(r.value.network.tcp_count, 70303u);
  EXPECT_EQ(r.value.network.tcp_connect, 37u);
  EXPECT_EQ(r.value.rpc_count, 4329785u);
  EXPECT_EQ(r.value.retransmissions, 17u);
  EXPECT_EQ(r.value.auth_refreshes, 4338291u);
  EXPECT_EQ(r.value.v2[0], 200u);   // Null
  EXPECT_EQ(r.value.v2[17], 217u);  // FsStat
  EXPECT_EQ(r.value.v3[21], 321u);  // Commit
  // procfs maps the client's 45th and 46th values to LayoutGet and
  // GetDeviceInfo, in this order.
  EXPECT_EQ(parse::kNfsClientV4ProcNames[44], "LayoutGet");
  EXPECT_EQ(r.value.v4[44], 444u);
  EXPECT_EQ(r.value.v4[58], 458u);  // Clone; the 10 values after are unused
}

TEST(NfsClientParseTest, OldKernelWithFewerV4Procedures) {
  auto r = ParseNfsClientStats("proc4 5 1 2 3 4 5\n");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.value.v4[4], 5u);
  EXPECT_EQ(r.value.v4[5], 0u);
  // proc2 and proc3 accept more values than known, never fewer.
  EXPECT_TRUE(ParseNfsClientStats("proc2 " + Seq(19, 1) + "\n").ok());
  EXPECT_EQ(ParseNfsClientStats("proc3 " + Seq(10, 1) + "\n").error,
            "line 1: 'proc3' announces 10 values and has 10 (at least 22 "
            "needed)");
}

TEST(NfsClientParseTest, TruncatedExtraAndMiscountedLines) {
  EXPECT_EQ(ParseNfsClientStats("net 1 2 3\n").error,
            "line 1: 'net' needs 4 values, got 3");
  EXPECT_EQ(ParseNfsClientStats("rpc 1 2 3 4\n").error,
            "line 1: 'rpc' needs 3 values, got 4");
  EXPECT_EQ(ParseNfsClientStats("net 1 2 3 4\nproc4 40 1 2\n").error,
            "line 2: 'proc4' announces 40 values and has 2 (at least 0 "
            "needed)");
  EXPECT_EQ(ParseNfsClientStats("net\n").error,
            "line 1: expected a key and at least one value");
  EXPECT_EQ(ParseNfsClientStats("net 1 2 3 4\n\nrpc 1 2 3\n").error,
            "line 2: expected a key and at least one value");
}

TEST(NfsClientParseTest, EmptyGarbageHugeAndUnknownLines) {
  auto empty = ParseNfsClientStats("");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty.value.rpc_count, 0u);
  EXPECT_EQ(ParseNfsClientStats("rpc 1 x 3\n").error,
            "line 1: 'rpc' value 2 is not an unsigned integer: 'x'");
  EXPECT_EQ(ParseNfsClientStats("rpc 18446744073709551616 0 0\n").error,
            "line 1: 'rpc' value 1 is not an unsigned integer: "
            "'18446744073709551616'");
  auto max = ParseNfsClientStats("rpc 18446744073709551615 0 0\n");
  ASSERT_TRUE(max.ok());
  EXPECT_EQ(max.value.rpc_count, 18446744073709551615u);
  // Lines a later kernel may add are skipped.
  EXPECT_TRUE(ParseNfsClientStats("rpc 1 2 3\nfuture 7 8\n").ok());
}

TEST(NfsServerParseTest, ModernKernel) {
  auto r = ParseNfsServerStats(
      "rc 1 2 3\n"
      "fh 4 5 6 7 8\n"
      "io 9 10\n"
      "th 11 12 0.000 0.000 0.000 0.000 0.000 0.000 0.000 0.000 0.000 0.000\n"
      "ra 13 14 15 16 17 18 19 20 21 22 23 24\n"
      "net 25 26 27 28\n"
      "rpc 29 30 31 32 33\n"
      "proc2 " +
      Seq(18, 200) +
      "\n"
      "proc3 " +
      Seq(22, 300) +
      "\n"
      "proc4 2 40 41\n"
      "proc4ops " +
      Seq(72, 500) + "\n");
  ASSERT_TRUE(r.ok()) << r.error;
  const auto& s = r.value;
  EXPECT_EQ(s.rc_hits, 1u);
  EXPECT_EQ(s.rc_nocache, 3u);
  EXPECT_EQ(s.fh_stale, 4u);
  EXPECT_EQ(s.io_read, 9u);
  EXPECT_EQ(s.io_write, 10u);
  EXPECT_EQ(s.threads, 11u);
  EXPECT_EQ(s.ra_cache_size, 13u);
  EXPECT_EQ(s.ra_not_found, 24u);
  EXPECT_EQ(s.network.tcp_connect, 28u);
  EXPECT_EQ(s.rpc_count, 29u);
  EXPECT_EQ(s.rpc_bad_fmt, 31u);
  EXPECT_EQ(s.rpc_bad_auth, 32u);
  EXPECT_EQ(s.rpc_bad_client, 33u);
  EXPECT_EQ(s.v3[3], 303u);  // Lookup
  EXPECT_EQ(s.v4_null, 40u);
  EXPECT_EQ(s.v4_compound, 41u);
  EXPECT_EQ(s.v4_ops[3], 503u);   // Access (op 3)
  EXPECT_EQ(s.v4_ops[34], 534u);  // SetAttr (op 34)
  // node_exporter 1.5's Verify reads op 35 (SETCLIENTID), see the header.
  EXPECT_EQ(parse::kNfsdV4OpNames[35], "Verify");
  EXPECT_EQ(s.v4_ops[35], 535u);
  EXPECT_EQ(s.v4_ops[37], 537u);  // RelLockOwner
}

TEST(NfsServerParseTest, KernelWithoutReadAheadLine) {
  auto r = ParseNfsServerStats("rc 0 6 18622\nth 8 0\nio 1 2\n");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.value.ra_cache_size, 0u);
  EXPECT_EQ(r.value.threads, 8u);
}

TEST(NfsServerParseTest, TruncatedAndMiscountedLines) {
  EXPECT_EQ(ParseNfsServerStats("th 8\n").error, "line 1: 'th' needs 2 values");
  EXPECT_EQ(ParseNfsServerStats("rc 1 2 3 4\n").error,
            "line 1: 'rc' needs 3 values, got 4");
  EXPECT_EQ(ParseNfsServerStats("ra 1 2 3\n").error,
            "line 1: 'ra' needs 12 values, got 3");
  EXPECT_EQ(ParseNfsServerStats("proc4 3 1 2 3\n").error,
            "line 1: 'proc4' announces 3 values and has 3 (at least 2 needed)");
  EXPECT_EQ(ParseNfsServerStats("proc4ops " + Seq(38, 1) + "\n").error,
            "line 1: 'proc4ops' announces 38 values and has 38 (at least 39 "
            "needed)");
  EXPECT_TRUE(ParseNfsServerStats("proc4ops " + Seq(39, 1) + "\n").ok());
  EXPECT_EQ(ParseNfsServerStats("proc3 23 1 2\n").error,
            "line 1: 'proc3' announces 23 values and has 2 (at least 22 "
            "needed)");
}

TEST(NfsServerParseTest, GarbageHugeEmptyAndNewLines) {
  EXPECT_TRUE(ParseNfsServerStats("").ok());
  EXPECT_EQ(ParseNfsServerStats("io 1 -2\n").error,
            "line 1: 'io' value 2 is not an unsigned integer: '-2'");
  EXPECT_FALSE(ParseNfsServerStats("rc 1 2 99999999999999999999\n").ok());
  // Kernels since 6.7 add lines such as "wdeleg_getattr".
  auto r = ParseNfsServerStats("rc 1 2 3\nwdeleg_getattr 5\n");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.value.rc_hits, 1u);
}

}  // namespace
}  // namespace host_exporter
