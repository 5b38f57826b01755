// Fuzzes the JSON config file: ParseConfigFile (with the push sinks'
// parsers of the database and remote_write blocks), then ResolveConfig with no
// flags, as LoadConfig does. Checks that an error names the file, and that a
// config that resolves keeps the documented guarantees (telemetry path, route
// prefix, positive interval, timeout within the interval, at least one
// address).
#include <string>

#include "fuzz_util.h"
#include "host_exporter/config.h"
#include "sinks/sink_config.h"

namespace hf = host_exporter::fuzz;
namespace he = host_exporter;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = hf::AsText(data, size);
  static const std::string kPath = "/etc/host_exporter/fuzz.json";
  he::Settings settings;
  he::sinks::SinkConfig sinks;
  std::string error;
  if (!he::ParseConfigFile(kPath, text, &settings,
                           he::sinks::SinkConfigParsers(&sinks), &error)) {
    FUZZ_CHECK(error.rfind(kPath, 0) == 0);  // errors name the file
    return 0;
  }
  FUZZ_CHECK(error.empty());
  for (const auto& [key, s] : settings) {
    FUZZ_CHECK(!key.empty());
    FUZZ_CHECK(s.origin.rfind(kPath, 0) == 0);
  }
  // Line numbers of a valid document's keys are within the document.
  int lines = 1;
  for (char c : text) lines += c == '\n';
  for (const auto& [pointer, line] : he::JsonKeyLines(text)) {
    FUZZ_CHECK(line >= 1 && line <= lines);
  }

  he::Config config;
  std::string why;
  if (!he::ResolveConfig(settings, {}, &config, &why)) {
    FUZZ_CHECK(!why.empty());
    return 0;
  }
  FUZZ_CHECK(!config.listen_addresses.empty());
  FUZZ_CHECK(config.telemetry_path.size() > 1 &&
             config.telemetry_path[0] == '/');
  if (!config.route_prefix.empty()) {
    FUZZ_CHECK(config.route_prefix[0] == '/' &&
               config.route_prefix.back() != '/');
  }
  FUZZ_CHECK(config.interval.count() > 0);
  FUZZ_CHECK(config.timeout.count() > 0 && config.timeout <= config.interval);
  FUZZ_CHECK(config.max_requests >= 0 && config.max_requests <= 100000);
  FUZZ_CHECK(config.log_format == "logfmt" || config.log_format == "json");
  for (const auto& [spec, opts] : config.collectors)
    FUZZ_CHECK(spec != nullptr);
  return 0;
}
