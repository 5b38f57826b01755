"""The Prometheus side (packaging/prometheus/): promtool checks the rules and
the example configuration, and runs the rules' unit tests; every alert has
its annotations and a test where it fires and one where it does not."""
import os
import re
import shutil
import subprocess
import unittest

import harness

PROM = os.path.join(harness.SOURCE_ROOT, "packaging", "prometheus")
PROMTOOL = shutil.which("promtool")

# Windows shorter than this miss samples at a 60 s scrape interval.
MIN_WINDOW_SECONDS = 4 * 60


def promtool(*args):
    if not PROMTOOL:
        raise unittest.SkipTest("promtool is not installed (apt-get install prometheus)")
    return subprocess.run([PROMTOOL] + list(args), cwd=PROM, capture_output=True,
                          text=True, timeout=120)


def seconds(d):
    units = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "y": 31536000}
    total = 0
    for n, u in re.findall(r"(\d+)(ms|s|m|h|d|w|y)", d):
        total += int(n) * units[u]
    return total


def yaml_module():
    try:
        import yaml
        return yaml
    except ImportError:
        raise unittest.SkipTest("python3-yaml is not installed (apt-get install python3-yaml)")


class PromtoolTest(unittest.TestCase):
    def test_check_rules(self):
        r = promtool("check", "rules", "alerts.yml")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("SUCCESS", r.stdout)

    def test_unit_tests(self):
        r = promtool("test", "rules", "alerts_test.yml")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("SUCCESS", r.stdout)

    def test_check_example_config(self):
        r = promtool("check", "config", "prometheus.yml")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)


class RulesContentTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        yaml = yaml_module()
        with open(os.path.join(PROM, "alerts.yml")) as f:
            cls.rules = [r for g in yaml.safe_load(f)["groups"] for r in g["rules"]]
        with open(os.path.join(PROM, "alerts_test.yml")) as f:
            cls.tests = yaml.safe_load(f)["tests"]
        with open(os.path.join(PROM, "prometheus.yml")) as f:
            cls.config = yaml.safe_load(f)

    def test_the_alerts_users_expect_exist(self):
        names = {r["alert"] for r in self.rules}
        for expected in ["HostExporterDown", "HostExporterCollectorFailed",
                         "HostFilesystemWillFillIn24Hours", "HostFilesystemWillFillIn4Hours",
                         "HostFilesystemReadOnly", "HostHighCpuUsage", "HostLowMemory",
                         "HostMemoryPressure", "HostOomKill", "HostHighIowait",
                         "HostNetworkReceiveErrors", "HostNetworkTransmitErrors",
                         "HostClockNotSynchronised", "HostRebooted",
                         "HostUnitOomKill", "HostUnitMemoryPressure", "HostUnitIoPressure"]:
            self.assertIn(expected, names)

    def test_annotations_and_severity(self):
        for r in self.rules:
            with self.subTest(alert=r["alert"]):
                self.assertIn(r["labels"]["severity"], ("critical", "warning", "info"))
                for key in ("summary", "description", "runbook"):
                    self.assertTrue(r["annotations"].get(key), key)

    def test_windows_work_at_a_60s_scrape_interval(self):
        for r in self.rules:
            for w in re.findall(r"\[([^\]:]+)\]", r["expr"]):
                with self.subTest(alert=r["alert"], window=w):
                    self.assertGreaterEqual(seconds(w), MIN_WINDOW_SECONDS)

    def test_every_alert_has_a_firing_and_a_quiet_case(self):
        fires, quiet = set(), set()
        for t in self.tests:
            for case in t["alert_rule_test"]:
                (fires if case.get("exp_alerts") else quiet).add(case["alertname"])
        for r in self.rules:
            with self.subTest(alert=r["alert"]):
                self.assertIn(r["alert"], fires, "no test where it fires")
                self.assertIn(r["alert"], quiet, "no test where it stays quiet")

    def test_example_config_scrapes_one_host_and_a_fleet(self):
        c = self.config
        self.assertEqual(c["global"]["scrape_interval"], "15s")
        self.assertEqual(c["rule_files"], ["alerts.yml"])
        jobs = {j["job_name"]: j for j in c["scrape_configs"]}
        self.assertEqual(jobs["host_exporter"]["static_configs"][0]["targets"],
                         ["localhost:9100"])
        self.assertTrue(jobs["host_exporter_fleet"]["file_sd_configs"][0]["files"])
        # HostExporterDown must watch the jobs of the example.
        down = next(r for r in self.rules if r["alert"] == "HostExporterDown")
        pattern = re.search(r'job=~"([^"]+)"', down["expr"]).group(1)
        for job in jobs:
            self.assertRegex(job, "^(?:%s)$" % pattern)


if __name__ == "__main__":
    harness.main()
