"""The Grafana dashboard (grafana/): in sync with its source, complete, tidy,
and valid against Grafana's published schema (@grafana/schema from npm).

The queries themselves run against a real Prometheus in test_prometheus.py.
"""
import copy
import json
import os
import re
import subprocess
import sys
import tempfile
import unittest

import harness
import nodetools

GRAFANA = os.path.join(harness.SOURCE_ROOT, "grafana")
IMPORT = os.path.join(GRAFANA, "host_exporter.json")
PROVISIONING = os.path.join(GRAFANA, "provisioning", "dashboards", "host_exporter",
                            "host_exporter.json")

ROWS = ["Overview", "CPU", "Memory", "Disk I/O", "Filesystem", "Network", "System",
        "Services", "Processes", "Exporter"]

# What the issue asks each row to show: metric names (or PromQL) that must occur
# in the row's queries.
ROW_CONTENT = {
    "Overview": ["up{", "node_boot_time_seconds", "count without (cpu, mode)",
                 "node_memory_MemTotal_bytes", 'mountpoint="/"', "node_load",
                 "node_scrape_collector_success"],
    "CPU": ['mode!="idle"', "{{cpu}}", 'mode="iowait"', 'mode="steal"',
            "node_pressure_cpu_waiting_seconds_total"],
    "Memory": ["node_memory_MemAvailable_bytes", "node_memory_Cached_bytes",
               "node_memory_Buffers_bytes", "node_memory_SwapTotal_bytes",
               "node_pressure_memory_waiting_seconds_total"],
    "Disk I/O": ["node_disk_read_bytes_total", "node_disk_reads_completed_total",
                 "node_disk_read_time_seconds_total", "node_disk_io_time_seconds_total",
                 "{{device}}"],
    "Filesystem": ["node_filesystem_avail_bytes", "node_filesystem_files_free",
                   "node_filesystem_readonly", "predict_linear("],
    "Network": ["node_network_receive_bytes_total", "node_network_receive_packets_total",
                "node_network_receive_errs_total", "node_network_receive_drop_total",
                "{{device}}"],
    "System": ["node_context_switches_total", "node_intr_total", "node_forks_total",
               "node_entropy_available_bits", "node_filefd_allocated", "node_timex_"],
    "Services": ["node_cgroup_cpu_usage_seconds_total",
                 "node_cgroup_memory_working_set_bytes",
                 "node_cgroup_pressure_memory_waiting_seconds_total",
                 "node_cgroup_pressure_io_waiting_seconds_total",
                 'event="oom_kill"', "{{cgroup}}"],
    "Processes": ["host_process_top_cpu_ratio", "host_process_top_resident_memory_bytes",
                  "host_process_comm_cpu_seconds_total", "host_process_unit_cpu_seconds_total",
                  "host_process_comm_resident_memory_bytes", "{{pid}}", "{{comm}}",
                  "{{unit}}"],
    "Exporter": ["node_scrape_collector_duration_seconds",
                 "node_scrape_collector_success", "host_exporter_build_info"],
}

# Range windows other than $__rate_interval, with the reason.
FIXED_WINDOWS = {"6h": "predict_linear's trend window: a fill forecast needs hours of "
                       "history whatever the zoom"}

# Grafana's unit ids used here (Standard options -> Unit), plus custom suffixes.
UNITS = {"none", "short", "percent", "percentunit", "bytes", "Bps", "bps", "iops", "pps",
         "ops", "s", "dtdurations", "bits"}


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def flat_panels(d):
    out = []
    for p in d["panels"]:
        out.append(p)
        out.extend(p.get("panels", []))
    return out


def rows_of(d):
    """{row title: [panels]} in dashboard order."""
    rows, current = {}, None
    for p in flat_panels(d):
        if p["type"] == "row":
            current = p["title"]
            rows[current] = []
        else:
            rows[current].append(p)
    return rows


class SourceTest(unittest.TestCase):
    def test_generated_files_are_in_sync(self):
        r = subprocess.run([sys.executable, os.path.join(GRAFANA, "dashboard.py"), "check"],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_variants_differ_only_in_the_data_source_input(self):
        imp, prov = load(IMPORT), load(PROVISIONING)
        self.assertEqual(imp["__inputs"][0]["name"], "DS_PROMETHEUS")
        self.assertEqual(imp["__inputs"][0]["pluginId"], "prometheus")
        self.assertNotIn("__inputs", prov)
        self.assertNotIn("${DS_PROMETHEUS}", json.dumps(prov))
        a = {k: v for k, v in imp.items() if not k.startswith("__")}
        b = copy.deepcopy(prov)
        a = copy.deepcopy(a)
        a["templating"]["list"][0].pop("current")
        b["templating"]["list"][0].pop("current")
        self.assertEqual(a, b)
        self.assertEqual(imp["templating"]["list"][0]["current"]["value"], "${DS_PROMETHEUS}")


class ContentTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.d = load(IMPORT)
        cls.panels = [p for p in flat_panels(cls.d) if p["type"] != "row"]

    def test_variables(self):
        v = {x["name"]: x for x in self.d["templating"]["list"]}
        self.assertEqual(list(v), ["datasource", "job", "instance"])
        self.assertEqual(v["datasource"]["type"], "datasource")
        self.assertEqual(v["datasource"]["query"], "prometheus")
        self.assertEqual(v["job"]["datasource"]["uid"], "${datasource}")
        self.assertTrue(v["instance"]["multi"])
        self.assertTrue(v["instance"]["includeAll"])
        self.assertIn('job="$job"', v["instance"]["query"]["query"])

    def test_rows_in_order_with_the_asked_content(self):
        rows = rows_of(self.d)
        self.assertEqual(list(rows), ROWS)
        for row, needles in ROW_CONTENT.items():
            text = json.dumps([(t["expr"], t["legendFormat"]) for p in rows[row]
                               for t in p["targets"]])
            for needle in needles:
                self.assertIn(json.dumps(needle)[1:-1], text, "row %s lacks %s" % (row, needle))

    def test_every_query_is_filtered_by_job_and_instance(self):
        for p in self.panels:
            for t in p["targets"]:
                expr = t["expr"]
                with self.subTest(panel=p["title"], ref=t["refId"]):
                    selectors = re.findall(r"[A-Za-z_:][A-Za-z0-9_:]*\{([^}]*)\}", expr)
                    self.assertTrue(selectors, expr)
                    for s in selectors:
                        self.assertIn('job="$job"', s, expr)
                        self.assertIn('instance=~"$instance"', s, expr)
                    self.assertEqual(t["datasource"]["uid"], "${datasource}")

    def test_rate_windows_use_rate_interval(self):
        for p in self.panels:
            for t in p["targets"]:
                for window in re.findall(r"\[([^\]]+)\]", t["expr"]):
                    with self.subTest(panel=p["title"], window=window):
                        self.assertTrue(window == "$__rate_interval" or window in FIXED_WINDOWS,
                                        t["expr"])
                for fn in ("rate", "irate", "increase", "deriv"):
                    for m in re.finditer(r"\b%s\((.*?)\[([^\]]+)\]" % fn, t["expr"]):
                        self.assertEqual(m.group(2), "$__rate_interval", t["expr"])

    def test_units_thresholds_legends_descriptions(self):
        for p in self.panels:
            with self.subTest(panel=p["title"]):
                self.assertTrue(p.get("description"), "no description")
                d = p["fieldConfig"]["defaults"]
                unit = d.get("unit")
                self.assertTrue(unit in UNITS or (unit or "").startswith("suffix:"),
                                "unit %r" % unit)
                steps = d["thresholds"]["steps"]
                self.assertIsNone(steps[0]["value"], "thresholds need a base step")
                values = [s["value"] for s in steps[1:]]
                self.assertEqual(values, sorted(values), "thresholds out of order")
                if p["type"] == "table":
                    continue
                for t in p["targets"]:
                    self.assertIn("{{instance}}", t["legendFormat"],
                                  "legend must name the host: %s" % t["legendFormat"])
                legends = [t["legendFormat"] for t in p["targets"]]
                self.assertEqual(len(legends), len(set(legends)), "duplicate legends")
                # Percentages have bounds that match their scale.
                if unit == "percent" and "max" in d:
                    self.assertEqual(d["max"], 100)
                if unit == "percentunit" and "max" in d:
                    self.assertEqual(d["max"], 1)

    def test_layout(self):
        ids = [p["id"] for p in flat_panels(self.d)]
        self.assertEqual(len(ids), len(set(ids)), "duplicate panel ids")
        cells = {}
        for p in flat_panels(self.d):
            g = p["gridPos"]
            self.assertLessEqual(g["x"] + g["w"], 24, p["title"])
            for x in range(g["x"], g["x"] + g["w"]):
                for y in range(g["y"], g["y"] + g["h"]):
                    self.assertNotIn((x, y), cells,
                                     "%s overlaps %s" % (p["title"], cells.get((x, y))))
                    cells[(x, y)] = p["title"]

    def test_provisioning_files(self):
        try:
            import yaml
        except ImportError:
            self.skipTest("python3-yaml is not installed (apt-get install python3-yaml)")
        prov = os.path.join(GRAFANA, "provisioning")
        with open(os.path.join(prov, "datasources", "host_exporter.yml")) as f:
            ds = yaml.safe_load(f)
        self.assertEqual(ds["apiVersion"], 1)
        (source,) = ds["datasources"]
        self.assertEqual(source["type"], "prometheus")
        self.assertTrue(source["url"].startswith("http"))
        self.assertRegex(source["jsonData"]["timeInterval"], r"^\d+s$")
        with open(os.path.join(prov, "dashboards", "host_exporter.yml")) as f:
            dash = yaml.safe_load(f)
        (provider,) = dash["providers"]
        self.assertEqual(provider["type"], "file")
        # The path is where the JSON lands when provisioning/ is copied to
        # /etc/grafana/provisioning/.
        path = provider["options"]["path"]
        self.assertTrue(path.startswith("/etc/grafana/provisioning/"), path)
        rel = os.path.relpath(path, "/etc/grafana/provisioning")
        self.assertTrue(os.path.isfile(os.path.join(prov, rel, "host_exporter.json")), path)


class SchemaTest(unittest.TestCase):
    """Both variants against @grafana/schema (dashboard and panel plugin types)
    and the foundation SDK (Prometheus queries), objects closed; and a
    deliberately broken copy, which must fail. One run: building the schema
    from the TypeScript types takes a while."""

    @classmethod
    def setUpClass(cls):
        d = load(IMPORT)
        panels = [p for p in flat_panels(d) if p["type"] != "row"]
        panels[0]["options"]["colorMode"] = "rainbow"
        panels[1]["fieldConfig"]["defaults"]["thresholds"]["mode"] = "relative"
        panels[-3]["fieldConfig"]["defaults"]["custom"]["lineWidht"] = 2
        panels[-3]["targets"][0]["exp"] = panels[-3]["targets"][0].pop("expr")
        with tempfile.NamedTemporaryFile("w", suffix="-broken.json", delete=False) as f:
            json.dump(d, f)
        cls.broken = f.name
        try:
            cls.result = nodetools.run("validate_dashboard.mjs",
                                       [IMPORT, PROVISIONING, cls.broken])
        finally:
            os.unlink(cls.broken)
        print(cls.result.stdout.strip(), file=sys.stderr)

    def test_dashboards_are_schema_valid(self):
        out = self.result.stdout + self.result.stderr
        for path in (IMPORT, PROVISIONING):
            self.assertIn("OK: %s: " % path, out)
        problems = [l for l in out.splitlines() if l.startswith("host_exporter.json: ")]
        self.assertEqual(problems, [])

    def test_a_broken_panel_fails_validation(self):
        out = self.result.stdout
        self.assertEqual(self.result.returncode, 1, out + self.result.stderr)
        self.assertIn("FAILED: %s" % self.broken, out)
        for needle in ["options/colorMode", "thresholds/mode", "(lineWidht)",
                       "required property 'expr'"]:
            self.assertIn(needle, out)


if __name__ == "__main__":
    harness.main()
