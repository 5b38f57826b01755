// Go-compatible address text and /proc hex address decoding.
#include "parse/net_address.h"

#include <gtest/gtest.h>

#include <string>

namespace host_exporter::parse {
namespace {

std::string Bytes(std::initializer_list<int> b) {
  std::string out;
  for (int v : b) out.push_back(static_cast<char>(v));
  return out;
}

std::string V6(const char* hex) { return *DecodeHex(hex); }

TEST(FormatIPTest, Ipv4AndMapped) {
  EXPECT_EQ(FormatIP(Bytes({192, 0, 2, 1})), "192.0.2.1");
  EXPECT_EQ(FormatIP(Bytes({0, 0, 0, 0})), "0.0.0.0");
  EXPECT_EQ(FormatIP(V6("00000000000000000000ffffc0000201")), "192.0.2.1");
}

TEST(FormatIPTest, Ipv6AsGoPrintsIt) {
  EXPECT_EQ(FormatIP(V6("00000000000000000000000000000000")), "::");
  EXPECT_EQ(FormatIP(V6("00000000000000000000000000000001")), "::1");
  EXPECT_EQ(FormatIP(V6("fe800000000000000000000000000001")), "fe80::1");
  EXPECT_EQ(FormatIP(V6("20010db8000000000000000000000000")), "2001:db8::");
  // A single zero word is not shortened.
  EXPECT_EQ(FormatIP(V6("20010db8000000010001000100010001")),
            "2001:db8:0:1:1:1:1:1");
  // The longest run wins; of equal runs, the first.
  EXPECT_EQ(FormatIP(V6("20010000000000010000000000000001")), "2001:0:0:1::1");
  EXPECT_EQ(FormatIP(V6("20010000000000010000000000010001")),
            "2001::1:0:0:1:1");
  // Not IPv4-compatible notation (glibc's inet_ntop would print ::0.1.0.2).
  EXPECT_EQ(FormatIP(V6("00000000000000000000000000010002")), "::1:2");
  EXPECT_EQ(FormatIP(V6("fd00000000000000abcd00000000ffff")),
            "fd00::abcd:0:0:ffff");
}

TEST(FormatIPTest, EmptyAndOddLengths) {
  EXPECT_EQ(FormatIP(""), "");
  EXPECT_EQ(FormatIP(Bytes({1, 2, 3, 4, 255})), "?01020304ff");
}

TEST(FormatRouteDestinationTest, DefaultPrefixesAndNil) {
  EXPECT_EQ(FormatRouteDestination("", 0), "default");
  EXPECT_EQ(FormatRouteDestination(Bytes({0, 0, 0, 0}), 0), "default");
  EXPECT_EQ(FormatRouteDestination(Bytes({192, 0, 2, 0}), 24), "192.0.2.0/24");
  EXPECT_EQ(FormatRouteDestination(Bytes({192, 0, 2, 7}), 32), "192.0.2.7/32");
  EXPECT_EQ(FormatRouteDestination(V6("fd000000000000000000000000000000"), 64),
            "fd00::/64");
  EXPECT_EQ(FormatRouteDestination(V6("00000000000000000000000000000001"), 128),
            "::1/128");
  // What Go's IPNet.String gives when it cannot print the network.
  EXPECT_EQ(FormatRouteDestination(Bytes({10, 0, 0, 0}), 33), "<nil>");
  EXPECT_EQ(FormatRouteDestination("", 8), "<nil>");
  EXPECT_EQ(FormatRouteDestination(V6("00000000000000000000ffff0a000000"), 104),
            "<nil>");
}

TEST(DecodeHexTest, EvenDigitsOnly) {
  EXPECT_EQ(DecodeHex("c0A8"), Bytes({0xc0, 0xa8}));
  EXPECT_EQ(DecodeHex(""), "");
  EXPECT_FALSE(DecodeHex("abc"));
  EXPECT_FALSE(DecodeHex("zz"));
}

TEST(DecodeProcHexAddressTest, WordsInHostOrder) {
  EXPECT_EQ(FormatIP(*DecodeProcHexAddress("0100007F")), "127.0.0.1");
  EXPECT_EQ(FormatIP(*DecodeProcHexAddress("0F01A8C0")), "192.168.1.15");
  EXPECT_EQ(FormatIP(*DecodeProcHexAddress("B80D0120000000000000000001000000")),
            "2001:db8::1");
  EXPECT_FALSE(DecodeProcHexAddress("0100007"));
  EXPECT_FALSE(DecodeProcHexAddress("0100007F00"));
  EXPECT_FALSE(DecodeProcHexAddress("0100007G"));
  EXPECT_FALSE(DecodeProcHexAddress(""));
}

}  // namespace
}  // namespace host_exporter::parse
