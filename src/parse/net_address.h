// Address text for the network collectors, spelled exactly as Go's net
// package spells it (node_exporter's labels come from net.IP.String and
// net.IPNet.String), and the hex address encodings of /proc/net files.
#ifndef HOST_EXPORTER_PARSE_NET_ADDRESS_H_
#define HOST_EXPORTER_PARSE_NET_ADDRESS_H_

#include <optional>
#include <string>
#include <string_view>

namespace host_exporter::parse {

/// Decodes an even-length string of hex digits ("C0A8" -> "\xC0\xA8"), or
/// nullopt if it is not one (as Go's hex.DecodeString refuses it).
std::optional<std::string> DecodeHex(std::string_view hex);

/// Go's net.IP.String(): "" for no bytes (node_exporter prints absent route
/// addresses as ""), dotted quad for 4 bytes and for IPv4-mapped IPv6,
/// RFC 5952 text for 16 bytes, "?" and hex digits for other lengths.
std::string FormatIP(std::string_view bytes);

/// node_exporter's network_route destination: "default" for prefix length
/// 0, otherwise Go's net.IPNet{IP, CIDRMask(len, bits)}.String() ("<nil>" when
/// Go cannot print it, e.g. a prefix longer than the address).
std::string FormatRouteDestination(std::string_view bytes, unsigned prefix_len);

/// An address as /proc/net/{tcp,udp,route}* print it: each 32-bit word in
/// host (little-endian) byte order, 8 or 32 hex digits. Returns the address
/// in network byte order, or nullopt for anything but 8 or 32 hex digits.
std::optional<std::string> DecodeProcHexAddress(std::string_view hex);

}  // namespace host_exporter::parse

#endif  // HOST_EXPORTER_PARSE_NET_ADDRESS_H_
