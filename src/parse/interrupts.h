// Parser for /proc/interrupts.
#ifndef HOST_EXPORTER_PARSE_INTERRUPTS_H_
#define HOST_EXPORTER_PARSE_INTERRUPTS_H_

#include <string>
#include <string_view>
#include <vector>

#include "parse/parse_util.h"

namespace host_exporter::parse {

/// One interrupt line, split the way node_exporter 1.5 splits it.
struct Interrupt {
  std::string name;     ///< "24", "NMI", "LOC" (the first field minus ':')
  std::string info;     ///< numbered: the chip ("IO-APIC"); named: the text
  std::string devices;  ///< numbered: the rest ("5-edge ACPI:Ged"); named: ""
  std::vector<double> per_cpu;  ///< one count per CPU column of the header
};

/// Parses /proc/interrupts: the header gives the number of CPU columns;
/// lines with fewer than that many counts plus a description (ERR:, MIS:)
/// are skipped, as in node_exporter 1.5. A name that appears twice keeps
/// its last line. An empty file or a non-numeric count is an error.
Result<std::vector<Interrupt>> ParseInterrupts(std::string_view text);

}  // namespace host_exporter::parse

#endif  // HOST_EXPORTER_PARSE_INTERRUPTS_H_
