// Names in /sys/class/hwmon as node_exporter 1.5's hwmon collector reads
// them: sensor file names ("temp1_input") and the cleaning of chip names
// and properties into metric-name material.
#ifndef HOST_EXPORTER_PARSE_HWMON_H_
#define HOST_EXPORTER_PARSE_HWMON_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace host_exporter::parse {

/// A sensor file name split as the regexp
/// ^(?P<type>[^0-9]+)(?P<id>[0-9]*)?(_(?P<property>.+))?$ splits it, with
/// Go's leftmost-first preferences ("temp1_input" -> temp, 1, input;
/// "beep_enable" -> beep_enable, 0, "").
struct SensorFilename {
  std::string type;
  int64_t number = 0;    ///< 0 when the name has no digits
  std::string property;  ///< "" when there is no "_<property>"
};

/// Splits a sensor file name, or nullopt if the regexp does not match or the
/// number does not fit an int.
std::optional<SensorFilename> ExplodeSensorFilename(std::string_view name);

/// True for the sensor types node_exporter collects (vrm, beep_enable,
/// update_interval, in, cpu, fan, pwm, temp, curr, power, energy, humidity,
/// intrusion).
bool IsHwmonSensorType(std::string_view type);

/// node_exporter's cleanMetricName: lower case, every character other than
/// [a-z0-9:_] becomes '_', then leading and trailing '_' are trimmed.
std::string CleanMetricName(std::string_view name);

}  // namespace host_exporter::parse

#endif  // HOST_EXPORTER_PARSE_HWMON_H_
