"""Proof with a real Prometheus: Debian's prometheus scrapes host_exporter (on
this machine's real /proc and /sys) on loopback; then every query of every
panel of the dashboard, with the variables substituted the way Grafana does,
runs through Prometheus's HTTP API and must return data; the dashboard's
variable queries must list the job and the instance; and alerts.yml, loaded
into that Prometheus, must evaluate without error.

The Services row (the cgroup collector) is queried on this host's cgroups
(every cgroup, not only systemd's units: --collector.cgroup.include=); a
Services query that is empty because this host's exporter exposes no series
of its family at all (a v1 host whose cpuacct, blkio or unified hierarchy has
no child groups) must return data from a second exporter, on the cgroup v2
fixture tree, that the same Prometheus scrapes as job host_exporter_fixture.

Prints how many queries ran, returned data, and were allowed to be empty.
"""
import json
import os
import re
import time
import unittest

import harness
from harness import Exporter, free_port

PROMETHEUS = harness.PROMETHEUS
DASHBOARD = os.path.join(harness.SOURCE_ROOT, "grafana", "host_exporter.json")
ALERTS = os.path.join(harness.SOURCE_ROOT, "packaging", "prometheus", "alerts.yml")

JOB = "host_exporter"
FIXTURE_JOB = "host_exporter_fixture"
SCRAPE_SECONDS = 1
# Grafana: $__rate_interval = max($__interval + scrape interval, 4 * scrape interval).
RATE_INTERVAL = "%ds" % (4 * SCRAPE_SECONDS)
SAMPLES_BEFORE_QUERYING = 8


def _no_psi():
    return not os.path.exists("/proc/pressure/cpu")


# Queries that may return nothing, keyed by (panel title, refId): a condition
# on this machine that makes the data absent, and why. Nothing else may be empty.
ALLOWED_EMPTY = {
    ("CPU pressure", "A"): (_no_psi, "kernel without pressure stall information "
                                     "(CONFIG_PSI off or psi=0): no /proc/pressure"),
    ("Memory pressure", "A"): (_no_psi, "kernel without pressure stall information"),
    ("Memory pressure", "B"): (_no_psi, "kernel without pressure stall information"),
}


def regex_escape(value):
    """What Grafana does to a variable value interpolated into =~ "...":
    regex-escape, then the PromQL string needs the backslashes doubled."""
    return re.sub(r"([\\^$.|?*+()\[\]{}])", r"\\\\\1", value)


def substitute(expr, instance, job=JOB):
    out = (expr.replace("$__rate_interval", RATE_INTERVAL)
               .replace("$job", job)
               .replace("$instance", regex_escape(instance)))
    assert "$" not in out, out
    return out


class Prometheus(harness.Prometheus):
    """Scrapes the exporter every SCRAPE_SECONDS and evaluates alerts.yml."""

    def __init__(self, exporter_port, fixture_port):
        super().__init__("global:\n  scrape_interval: %ds\n  evaluation_interval: %ds\n"
                         "rule_files:\n  - %s\n"
                         "scrape_configs:\n  - job_name: %s\n    static_configs:\n"
                         "      - targets: ['127.0.0.1:%d']\n"
                         "  - job_name: %s\n    static_configs:\n"
                         "      - targets: ['127.0.0.1:%d']\n"
                         % (SCRAPE_SECONDS, SCRAPE_SECONDS, json.dumps(ALERTS), JOB,
                            exporter_port, FIXTURE_JOB, fixture_port), ["--log.level=warn"])


def panel_targets(dashboard):
    for p in dashboard["panels"]:
        for q in [p] + p.get("panels", []):
            for t in q.get("targets", []):
                yield q, t


class RealPrometheusTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not PROMETHEUS:
            raise unittest.SkipTest("prometheus is not installed (apt-get install prometheus)")
        cls.exporter_port = free_port()
        cls.instance = "127.0.0.1:%d" % cls.exporter_port
        # The real host, default collectors and process_top (the Processes
        # row), a fresh snapshot every second.
        cls.exporter = Exporter(["--web.listen-address=" + cls.instance,
                                 "--collection.interval=1s", "--collector.process_top",
                                 "--collector.cgroup", "--collector.cgroup.include="],
                                cls.exporter_port)
        cls.fixture_port = free_port()
        cls.fixture_instance = "127.0.0.1:%d" % cls.fixture_port
        cls.fixture = Exporter(["--web.listen-address=" + cls.fixture_instance,
                                "--collection.interval=1s", "--collector.disable-defaults",
                                "--collector.cgroup"] + harness.fixture_flags(),
                               cls.fixture_port)
        cls.prom = None
        try:
            cls.prom = Prometheus(cls.exporter_port, cls.fixture_port)
            query = 'count_over_time(up{job="%s"}[1m])' % JOB

            def scraped():
                r = cls.prom.api("/api/v1/query", query=query)["data"]["result"]
                return r and float(r[0]["value"][1]) >= SAMPLES_BEFORE_QUERYING
            cls.prom.wait("%d scrapes" % SAMPLES_BEFORE_QUERYING, scraped, 60, every=0.25)
        except BaseException:
            cls.tearDownClass()
            raise
        with open(DASHBOARD) as f:
            cls.dashboard = json.load(f)

    @classmethod
    def tearDownClass(cls):
        if cls.prom:
            cls.prom.close()
        cls.exporter.stop()
        cls.fixture.stop()

    def test_scrape_is_healthy(self):
        r = self.prom.api("/api/v1/targets")["data"]["activeTargets"]
        (target,) = [t for t in r if t["labels"]["job"] == JOB]
        self.assertEqual(target["health"], "up", target.get("lastError"))

    def run_query(self, t, expr, now):
        if t.get("instant"):
            return self.prom.api("/api/v1/query", query=expr, time=now)
        return self.prom.api("/api/v1/query_range", query=expr, start=now - 30,
                             end=now, step=SCRAPE_SECONDS)

    def host_has_family(self, expr):
        """True if this host's exporter exposes a series of the first
        node_cgroup_ family in expr."""
        family = re.search(r"node_cgroup_\w+", expr).group(0)
        r = self.prom.api("/api/v1/query", query='count(%s{job="%s",instance="%s"})'
                          % (family, JOB, self.instance))
        return bool(r["data"]["result"])

    def test_every_panel_query_returns_data(self):
        now = time.time()
        ran, with_data, allowed, failures, from_fixture = 0, 0, [], [], []
        for panel, t in panel_targets(self.dashboard):
            expr = substitute(t["expr"], self.instance)
            key = (panel["title"], t["refId"])
            ran += 1
            r = self.run_query(t, expr, now)
            if r.get("status") != "success":
                failures.append("%s %s: error %s: %s" % (key + (r.get("error"), expr)))
                continue
            result = r["data"]["result"]
            has_data = any(s.get("values") or s.get("value") for s in result)
            if has_data:
                with_data += 1
                continue
            if "node_cgroup_" in t["expr"] and not self.host_has_family(t["expr"]):
                r = self.run_query(t, substitute(t["expr"], self.fixture_instance,
                                                 FIXTURE_JOB), now)
                if any(s.get("values") or s.get("value") for s in r["data"]["result"]):
                    with_data += 1
                    from_fixture.append("%s %s" % key)
                    continue
            condition, reason = ALLOWED_EMPTY.get(key, (None, None))
            if condition and condition():
                allowed.append("%s %s (%s)" % (key + (reason,)))
            else:
                failures.append("%s %s: no data: %s" % (key + (expr,)))
        print("\n%d panel queries ran, %d returned data (%d of them from the cgroup v2 "
              "fixture: no such family on this host), %d allowed empty%s"
              % (ran, with_data, len(from_fixture), len(allowed),
                 "".join("\n  from the fixture: " + a for a in from_fixture) +
                 "".join("\n  allowed empty: " + a for a in allowed)))
        self.assertGreater(ran, 50)
        self.assertEqual(failures, [], "\n" + "\n".join(failures))

    def test_variable_queries_list_the_job_and_instance(self):
        for v in self.dashboard["templating"]["list"]:
            if v["type"] != "query":
                continue
            m = re.fullmatch(r"label_values\((.*), *(\w+)\)", v["query"]["query"])
            self.assertTrue(m, v["query"])
            selector = m.group(1).replace("$job", JOB)
            r = self.prom.api("/api/v1/label/%s/values" % m.group(2),
                              **{"match[]": selector})
            self.assertEqual(r["status"], "success", r)
            want = {"job": JOB, "instance": self.instance}[v["name"]]
            self.assertIn(want, r["data"], v["name"])

    def test_alert_rules_evaluate_without_error(self):
        def rules():
            groups = self.prom.api("/api/v1/rules")["data"]["groups"]
            return [r for g in groups for r in g["rules"]]

        # Every rule evaluated at least twice (so rate() had two samples).
        start = time.time()
        self.prom.wait("rule evaluation", lambda: rules() and all(
            r.get("lastEvaluation", "0001").startswith("20") for r in rules()) and
            time.time() - start > 2 * SCRAPE_SECONDS, 30, every=0.25)
        evaluated = rules()
        self.assertGreaterEqual(len(evaluated), 15)
        bad = ["%s: %s %s" % (r["name"], r["health"], r.get("lastError", ""))
               for r in evaluated if r["health"] != "ok" or r.get("lastError")]
        self.assertEqual(bad, [])
        firing = sorted({"%s (%s)" % (r["name"], r["state"]) for r in evaluated
                         if r.get("state") not in (None, "inactive")})
        print("\n%d alert rules evaluated without error; active on this machine: %s"
              % (len(evaluated), ", ".join(firing) or "none"))


if __name__ == "__main__":
    harness.main()
