// Parser for /proc/net/dev, and the pure helpers behind
// node_network_address_info (address text and scope, as Go's net package
// prints them).
#ifndef HOST_EXPORTER_PARSE_NETDEV_H_
#define HOST_EXPORTER_PARSE_NETDEV_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "parse/parse_util.h"

namespace host_exporter::parse {

/// The 16 counters of one /proc/net/dev line, in file order.
enum NetDevField : size_t {
  kRxBytes,
  kRxPackets,
  kRxErrs,
  kRxDrop,
  kRxFifo,
  kRxFrame,
  kRxCompressed,
  kRxMulticast,
  kTxBytes,
  kTxPackets,
  kTxErrs,
  kTxDrop,
  kTxFifo,
  kTxColls,
  kTxCarrier,
  kTxCompressed,
  kNetDevFieldCount,
};

/// One interface of /proc/net/dev.
struct NetDevLine {
  std::string name;  ///< everything before the line's last ':', trimmed
  std::array<uint64_t, kNetDevFieldCount> values{};
};

/// Parses /proc/net/dev: two header lines (each containing '|'), then one
/// "name: 16 numbers" line per interface, in file order. The name ends at
/// the last ':' of the line, and numbers may follow the ':' without a space
/// (older kernels print "%6s:%8lu"). Extra columns are ignored, blank lines
/// skipped; an empty file gives no interfaces.
Result<std::vector<NetDevLine>> ParseNetDev(std::string_view text);

/// ParseNetDev into *out (cleared first; its capacity kept, for a vector
/// kept between cycles): "" or the error (line and reason), out's contents
/// unspecified then. No allocation but out's growth and a name longer than
/// a short string.
std::string ParseNetDevInto(std::string_view text,
                            std::vector<NetDevLine>* out);

/// The value of a one-number sysfs file such as
/// class/net/eth0/statistics/rx_nohandler ("42\n").
Result<uint64_t> ParseSysfsCounter(std::string_view text);

/// An interface address as getifaddrs(3) reports it, in network byte order.
struct RawIfAddr {
  std::string device;
  bool ipv6 = false;
  std::array<uint8_t, 16> addr{};     ///< first 4 bytes for IPv4
  std::array<uint8_t, 16> netmask{};  ///< first 4 bytes for IPv4
};

/// The labels of one node_network_address_info series.
struct AddressInfo {
  std::string device;
  std::string address;  ///< "192.0.2.1", "2001:db8::1" (Go's IP.String)
  std::string netmask;  ///< prefix length, "24"; "0" if not a CIDR mask
  std::string scope;    ///< "link-local", "interface-local", "global" or ""
};

/// Turns a raw address into node_exporter's labels.
AddressInfo MakeAddressInfo(const RawIfAddr& raw);

}  // namespace host_exporter::parse

#endif  // HOST_EXPORTER_PARSE_NETDEV_H_
