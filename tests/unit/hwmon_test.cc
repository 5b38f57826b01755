// hwmon name parsing (parse/hwmon.h) and the hwmon collector on the fixture.
#include "parse/hwmon.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "tests/unit/collector_test_util.h"

namespace host_exporter {
namespace {

using parse::ExplodeSensorFilename;

TEST(HwmonParseTest, ExplodesSensorFilenames) {
  auto a = ExplodeSensorFilename("temp1_input");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->type, "temp");
  EXPECT_EQ(a->number, 1);
  EXPECT_EQ(a->property, "input");
  auto b = ExplodeSensorFilename("beep_enable");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->type, "beep_enable");
  EXPECT_EQ(b->number, 0);
  EXPECT_EQ(b->property, "");
  auto c = ExplodeSensorFilename("power1_average_interval");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->property, "average_interval");
  auto d = ExplodeSensorFilename("temp01");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->number, 1);  // "temp01" and "temp1" are the same sensor
  EXPECT_EQ(d->property, "");
}

TEST(HwmonParseTest, GoRegexpPreferences) {
  // The longest type wins when the rest still matches: "temp_" + "5".
  auto a = ExplodeSensorFilename("temp_5");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->type, "temp_");
  EXPECT_EQ(a->number, 5);
  // Without digits the whole name is the type...
  auto b = ExplodeSensorFilename("in_a_b");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->type, "in_a_b");
  EXPECT_EQ(b->property, "");
  // ...unless the rest cannot match: then the type backs off to the last
  // '_' that leaves a property.
  auto c = ExplodeSensorFilename("in_a_5x");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->type, "in_a");
  EXPECT_EQ(c->number, 0);
  EXPECT_EQ(c->property, "5x");
  EXPECT_FALSE(ExplodeSensorFilename("fan9x"));  // digits then junk
  EXPECT_FALSE(ExplodeSensorFilename("in3_"));   // empty property
  EXPECT_FALSE(ExplodeSensorFilename("1temp"));  // no type
  EXPECT_FALSE(ExplodeSensorFilename(""));
  EXPECT_FALSE(ExplodeSensorFilename("temp99999999999999999999"));  // range
}

TEST(HwmonParseTest, SensorTypes) {
  EXPECT_TRUE(parse::IsHwmonSensorType("temp"));
  EXPECT_TRUE(parse::IsHwmonSensorType("intrusion"));
  EXPECT_FALSE(parse::IsHwmonSensorType("name"));
  EXPECT_FALSE(parse::IsHwmonSensorType("freq"));  // added after 1.5
}

TEST(HwmonParseTest, CleanMetricName) {
  EXPECT_EQ(parse::CleanMetricName("coretemp\n"), "coretemp");
  EXPECT_EQ(parse::CleanMetricName("NCT-6779 Chip"), "nct_6779_chip");
  EXPECT_EQ(parse::CleanMetricName("coretemp.0"), "coretemp_0");
  EXPECT_EQ(parse::CleanMetricName("pci0000:00"), "pci0000:00");
  EXPECT_EQ(parse::CleanMetricName("--"), "");
  EXPECT_EQ(parse::CleanMetricName("a\xC3\xA9t\xFF"), "a_t");  // one _ a rune
}

using testing::Family;
using testing::FindFamily;
using testing::FindValue;
using testing::RunCollector;

TEST(HwmonCollectorTest, ChipNames) {
  Families fams = RunCollector("hwmon");
  // From the device link, the name file, and the directory itself.
  EXPECT_EQ(
      FindValue(fams, "node_hwmon_chip_names",
                {{"chip", "platform_coretemp_0"}, {"chip_name", "coretemp"}}),
      1);
  EXPECT_EQ(FindValue(fams, "node_hwmon_chip_names",
                      {{"chip", "nct6779"}, {"chip_name", "nct6779"}}),
            1);
  EXPECT_EQ(FindValue(fams, "node_hwmon_temp_celsius",
                      {{"chip", "hwmon2"}, {"sensor", "temp1"}}),
            30);
}

// The chips and "<chip>;<sensor>" pairs of the series in `fams`.
std::set<std::string> Chips(const Families& fams, bool with_sensor) {
  std::set<std::string> out;
  for (const auto& f : fams) {
    for (const auto& m : f.metric) {
      std::string chip, sensor;
      for (const auto& l : m.label) {
        if (l.name == "chip") chip = l.value;
        if (l.name == "sensor") sensor = l.value;
      }
      out.insert(with_sensor && !sensor.empty() ? chip + ";" + sensor : chip);
    }
  }
  return out;
}

// node_exporter 1.6's filters: chips by their label, sensors by
// "<chip>;<sensor>".
TEST(HwmonCollectorTest, ChipAndSensorFilters) {
  const std::set<std::string> all = Chips(RunCollector("hwmon"), false);
  ASSERT_TRUE(all.count("platform_coretemp_0"));
  ASSERT_GT(all.size(), 2u);
  CollectorOptions o;
  o.Set("collector.hwmon.chip-include", {"^platform_coretemp_0$"});
  EXPECT_EQ(Chips(RunCollector("hwmon", o), false),
            std::set<std::string>{"platform_coretemp_0"});
  o = {};
  o.Set("collector.hwmon.chip-exclude", {"^platform_coretemp_0$"});
  std::set<std::string> rest = all;
  rest.erase("platform_coretemp_0");
  EXPECT_EQ(Chips(RunCollector("hwmon", o), false), rest);
  o = {};
  o.Set("collector.hwmon.sensor-exclude", {"^platform_coretemp_0;temp1$"});
  std::set<std::string> sensors = Chips(RunCollector("hwmon", o), true);
  EXPECT_FALSE(sensors.count("platform_coretemp_0;temp1"));
  EXPECT_TRUE(sensors.count("platform_coretemp_0;temp2"));
  o = {};
  o.Set("collector.hwmon.sensor-include", {"^platform_coretemp_0;temp2$"});
  sensors = Chips(RunCollector("hwmon", o), true);
  // Every chip's annotation (node_hwmon_chip_names) stays; of the sensors,
  // only the one included.
  std::set<std::string> with_sensor;
  for (const auto& c : sensors) {
    if (c.find(';') != std::string::npos) with_sensor.insert(c);
  }
  EXPECT_EQ(with_sensor, std::set<std::string>{"platform_coretemp_0;temp2"});
}

TEST(HwmonCollectorTest, SensorsAndUnits) {
  Families fams = RunCollector("hwmon");
  auto nct = [](const char* sensor) -> Labels {
    return {{"chip", "nct6779"}, {"sensor", sensor}};
  };
  const Labels core1 = {{"chip", "platform_coretemp_0"}, {"sensor", "temp1"}};
  EXPECT_EQ(FindValue(fams, "node_hwmon_temp_celsius", core1), 55);
  EXPECT_EQ(FindValue(fams, "node_hwmon_temp_crit_celsius", core1), 100);
  EXPECT_EQ(FindValue(fams, "node_hwmon_temp_crit_alarm_celsius", core1), 0);
  // A sensor file in device/ counts too.
  EXPECT_EQ(FindValue(fams, "node_hwmon_temp_celsius",
                      {{"chip", "platform_coretemp_0"}, {"sensor", "temp3"}}),
            52.5);
  EXPECT_EQ(FindValue(fams, "node_hwmon_sensor_label",
                      {{"chip", "platform_coretemp_0"},
                       {"sensor", "temp1"},
                       {"label", "Package id 0"}}),
            1);
  EXPECT_EQ(FindValue(fams, "node_hwmon_in_volts", nct("in0")), 1.032);
  EXPECT_EQ(FindValue(fams, "node_hwmon_cpu_vid_volts", nct("cpu0")),
            1400 * 0.001);
  EXPECT_EQ(FindValue(fams, "node_hwmon_fan_rpm", nct("fan1")), 1215);
  EXPECT_EQ(FindValue(fams, "node_hwmon_fan_target_rpm", nct("fan1")), 1300);
  EXPECT_EQ(FindValue(fams, "node_hwmon_fan_pulses", nct("fan1")), 2);
  EXPECT_EQ(FindValue(fams, "node_hwmon_fan_fault", nct("fan2")), 1);
  EXPECT_EQ(FindValue(fams, "node_hwmon_pwm", nct("pwm1")), 153);
  EXPECT_EQ(FindValue(fams, "node_hwmon_power_watt", nct("power1")), 25.8);
  EXPECT_EQ(FindValue(fams, "node_hwmon_power_accuracy", nct("power1")), 0.95);
  EXPECT_EQ(FindValue(fams, "node_hwmon_power_average_interval_seconds",
                      nct("power1")),
            1);
  EXPECT_EQ(FindValue(fams, "node_hwmon_energy_joule_total", nct("energy1")),
            1234.56789);
  EXPECT_EQ(Family(fams, "node_hwmon_energy_joule_total").type,
            prometheus::MetricType::Counter);
  EXPECT_EQ(FindValue(fams, "node_hwmon_humidity", nct("humidity1")), 0.0455);
  EXPECT_EQ(FindValue(fams, "node_hwmon_intrusion_alarm", nct("intrusion0")),
            1);
  EXPECT_EQ(FindValue(fams, "node_hwmon_beep_enabled", nct("beep_enable0")), 1);
  EXPECT_EQ(
      FindValue(fams, "node_hwmon_voltage_regulator_version", nct("vrm0")), 13);
  EXPECT_EQ(FindValue(fams, "node_hwmon_update_interval_seconds",
                      nct("update_interval0")),
            1);
  // The bare "temp1" file is the value; temp2_input is not a number.
  EXPECT_EQ(FindValue(fams, "node_hwmon_temp_celsius", nct("temp1")), 41);
  EXPECT_FALSE(FindValue(fams, "node_hwmon_temp_celsius", nct("temp2")));
  // A label is kept as written, even when it cleans to nothing.
  EXPECT_EQ(
      FindValue(fams, "node_hwmon_sensor_label",
                {{"chip", "nct6779"}, {"sensor", "temp3"}, {"label", "!!!"}}),
      1);
}

TEST(HwmonCollectorTest, HelpTextsFollowTheElement) {
  Families fams = RunCollector("hwmon");
  EXPECT_EQ(Family(fams, "node_hwmon_temp_celsius").help,
            "Hardware monitor for temperature (input)");
  EXPECT_EQ(Family(fams, "node_hwmon_pwm").help,
            "Hardware monitor pwm element ");
  EXPECT_EQ(Family(fams, "node_hwmon_fan_alarm").help,
            "Hardware sensor alarm status (fan)");
  EXPECT_EQ(fams.size(), 38u);
}

// A chip's plan (its label, its files, their slots) is kept while its
// stamp holds: a steady run gives what the first gave, values are read
// again each run, and an added file, an added chip and a removed chip are
// seen at the next run.
TEST(HwmonCollectorTest, KeptPlanFollowsTheChips) {
  testing::ExpectSteadyRunsAlike("hwmon");

  testing::SysfsRoot root;
  root.Write("class/hwmon/hwmon0/name", "chipa\n");
  root.Write("class/hwmon/hwmon0/temp1_input", "30000\n");
  std::unique_ptr<Collector> c = testing::MakeCollector("hwmon", {});
  auto temp = [](const Families& fams, const char* chip, const char* sensor) {
    return FindValue(fams, "node_hwmon_temp_celsius",
                     {{"chip", chip}, {"sensor", sensor}});
  };
  Families fams = c->Collect(root.Paths());
  EXPECT_EQ(temp(fams, "chipa", "temp1"), 30);
  root.Write("class/hwmon/hwmon0/temp1_input", "31000\n");
  fams = c->Collect(root.Paths());
  EXPECT_EQ(temp(fams, "chipa", "temp1"), 31);
  EXPECT_FALSE(temp(fams, "chipa", "temp2"));
  root.Write("class/hwmon/hwmon0/temp2_input", "40000\n");
  root.Write("class/hwmon/hwmon1/name", "chipb\n");
  root.Write("class/hwmon/hwmon1/temp1_input", "50000\n");
  fams = c->Collect(root.Paths());
  EXPECT_EQ(temp(fams, "chipa", "temp2"), 40);
  EXPECT_EQ(temp(fams, "chipb", "temp1"), 50);
  std::filesystem::remove_all(root.Sys("class/hwmon/hwmon0"));
  fams = c->Collect(root.Paths());
  EXPECT_FALSE(temp(fams, "chipa", "temp1"));
  EXPECT_EQ(temp(fams, "chipb", "temp1"), 50);
  // A file that cannot be read this run is left out this run only.
  std::filesystem::remove(root.Sys("class/hwmon/hwmon1/temp1_input"));
  std::filesystem::create_directory(root.Sys("class/hwmon/hwmon1/temp1_input"));
  fams = c->Collect(root.Paths());
  EXPECT_FALSE(temp(fams, "chipb", "temp1"));
}

TEST(HwmonCollectorTest, NoHwmonNoFamilies) {
  EXPECT_TRUE(
      RunCollector("hwmon", {}, testing::FixturePaths("/nonexistent")).empty());
}

}  // namespace
}  // namespace host_exporter
