// Parser for /proc/drbd (DRBD 8 format, to version 8.4).
#ifndef HOST_EXPORTER_PARSE_DRBD_H_
#define HOST_EXPORTER_PARSE_DRBD_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "parse/parse_util.h"

namespace host_exporter::parse {

/// One "key:value" word of a device's status lines ("ns:17324442",
/// "cs:Connected", "ro:Primary/Secondary").
struct DrbdField {
  std::string key;
  std::string value;
  size_t line = 0;  ///< 0-based, for error messages (LineError)
};

/// One device: "drbd<minor>" from its "<minor>:" word, and the key:value
/// words that follow it, in file order.
struct DrbdDevice {
  std::string name;
  std::vector<DrbdField> fields;
};

/// Parses /proc/drbd as node_exporter does: the file is a sequence of
/// white-space separated words; a word that does not split on ':' into
/// exactly two parts is ignored ("C", "r-----", "version:" does split, into
/// "version" and ""), "<unsigned>:" starts a new device "drbd<unsigned>",
/// and any other key:value word belongs to the current device ("unknown"
/// before the first one). Never fails; the values are checked by the
/// collector.
std::vector<DrbdDevice> ParseDrbd(std::string_view text);

}  // namespace host_exporter::parse

#endif  // HOST_EXPORTER_PARSE_DRBD_H_
