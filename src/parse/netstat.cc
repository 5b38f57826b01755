#include "parse/netstat.h"

namespace host_exporter::parse {

Result<NetStats> ParseNetstat(std::string_view text) {
  Result<NetStats> r;
  auto lines = SplitLines(text);
  for (size_t i = 0; i < lines.size(); i += 2) {
    auto names = Split(lines[i], ' ');
    // A last header without its value line compares against an empty one.
    auto values = Split(i + 1 < lines.size() ? lines[i + 1] : "", ' ');
    if (names[0].empty()) {
      return Result<NetStats>::Fail(LineError(i, "no protocol name"));
    }
    // "TcpExt:" -> "TcpExt": node_exporter drops the last character.
    std::string protocol(names[0].substr(0, names[0].size() - 1));
    if (names.size() != values.size()) {
      return Result<NetStats>::Fail(
          LineError(i, "field count mismatch for " + protocol + ": " +
                           std::to_string(names.size()) + " names, " +
                           std::to_string(values.size()) + " values"));
    }
    auto& stats = r.value[protocol];
    stats.clear();
    for (size_t k = 1; k < names.size(); ++k) {
      auto v = ParseDouble(values[k]);
      if (!v) {
        return Result<NetStats>::Fail(LineError(
            i + 1, "invalid value '" + std::string(values[k]) + "' for " +
                       protocol + " " + std::string(names[k])));
      }
      stats[std::string(names[k])] = *v;
    }
  }
  return r;
}

Result<NetStats> ParseSnmp6(std::string_view text) {
  Result<NetStats> r;
  auto lines = SplitLines(text);
  for (size_t i = 0; i < lines.size(); ++i) {
    auto f = SplitFields(lines[i]);
    if (f.size() < 2) continue;
    size_t six = f[0].find('6');
    if (six == std::string_view::npos) continue;
    auto v = ParseDouble(f[1]);
    if (!v) {
      return Result<NetStats>::Fail(
          LineError(i, "invalid value '" + std::string(f[1]) + "' for " +
                           std::string(f[0])));
    }
    r.value[std::string(f[0].substr(0, six + 1))]
           [std::string(f[0].substr(six + 1))] = *v;
  }
  return r;
}

}  // namespace host_exporter::parse
