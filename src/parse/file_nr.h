// Parser for /proc/sys/fs/file-nr.
#ifndef HOST_EXPORTER_PARSE_FILE_NR_H_
#define HOST_EXPORTER_PARSE_FILE_NR_H_

#include <string_view>

#include "parse/parse_util.h"

namespace host_exporter::parse {

/// The two numbers node_exporter reads from file-nr.
struct FileNr {
  double allocated = 0;  ///< first field
  double maximum = 0;    ///< third field (the second is always 0)
};

/// Parses "allocated\tunused\tmaximum\n": the trimmed text split on tabs,
/// as node_exporter does; fewer than three tab-separated fields is an
/// error.
Result<FileNr> ParseFileNr(std::string_view text);

}  // namespace host_exporter::parse

#endif  // HOST_EXPORTER_PARSE_FILE_NR_H_
