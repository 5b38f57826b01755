"""The qdisc and perf collectors on this host, one --once run each (about a
second in all): lo's root qdisc comes from the kernel over rtnetlink with
its counters, and perf's software counters count on CPU 0 (skipped where
perf_event_open(2) is refused: not root, no CAP_PERFMON, a seccomp filter).
The fixture side of qdisc is in the golden file; perf's values are live,
so its series are checked here and in tests/unit/perf_test.cc."""
import re
import subprocess
import unittest

import harness


def once(*flags):
    r = subprocess.run([harness.binary(), "--once", "--collector.disable-defaults"] +
                       list(flags), capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        raise AssertionError("--once failed: %s" % r.stderr)
    return r.stdout, r.stderr


def series(text, family):
    """{labels: value} of one family."""
    out = {}
    for m in re.finditer(r"^%s(\{[^}]*\})? (\S+)$" % re.escape(family), text, re.M):
        out[m.group(1) or ""] = float(m.group(2))
    return out


class QdiscLiveTest(unittest.TestCase):
    def test_loopback_root_qdisc(self):
        text, _ = once("--collector.qdisc", "--collector.qdisc.device-include=^lo$")
        self.assertIn('node_scrape_collector_success{collector="qdisc"} 1', text)
        for family in ("node_qdisc_bytes_total", "node_qdisc_packets_total",
                       "node_qdisc_drops_total", "node_qdisc_requeues_total",
                       "node_qdisc_overlimits_total", "node_qdisc_current_queue_length",
                       "node_qdisc_backlog"):
            s = series(text, family)
            self.assertEqual(len(s), 1, family)
            labels = next(iter(s))
            self.assertRegex(labels, r'^\{device="lo",kind="[a-z_]+"\}$', family)
        self.assertIn("# TYPE node_qdisc_bytes_total counter", text)
        self.assertIn("# TYPE node_qdisc_backlog gauge", text)

    def test_exclude_leaves_lo_out(self):
        text, _ = once("--collector.qdisc", "--collector.qdisc.device-exclude=^lo$")
        self.assertIn('node_scrape_collector_success{collector="qdisc"} 1', text)
        self.assertNotIn('device="lo"', text)

    def test_both_filters_refused_at_start(self):
        r = subprocess.run([harness.binary(), "--once", "--collector.qdisc",
                            "--collector.qdisk.device-include=a",
                            "--collector.qdisc.device-exclude=b"],
                           capture_output=True, text=True, timeout=60)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("--collector.qdisk.device-include and "
                      "--collector.qdisc.device-exclude are mutually exclusive", r.stderr)


class PerfLiveTest(unittest.TestCase):
    def test_software_counters_on_cpu0(self):
        text, log = once("--collector.perf", "--collector.perf.cpus=0",
                         "--collector.perf.disable-hardware-profilers",
                         "--collector.perf.disable-cache-profilers")
        # Refused counters are left out, never a failed collection.
        self.assertIn('node_scrape_collector_success{collector="perf"} 1', text)
        s = series(text, "node_perf_context_switches_total")
        if not s:
            raise unittest.SkipTest("perf_event_open refused here: " + log.strip()[-300:])
        self.assertEqual(list(s), ['{cpu="0"}'])
        for family in ("node_perf_page_faults_total", "node_perf_cpu_migrations_total",
                       "node_perf_minor_faults_total", "node_perf_major_faults_total"):
            self.assertEqual(list(series(text, family)), ['{cpu="0"}'], family)
        self.assertNotIn("node_perf_cpucycles_total", text)
        self.assertIn("# TYPE node_perf_context_switches_total counter", text)

    def test_counters_count_between_cycles(self):
        """A running exporter keeps its counters open: CPU 0's context
        switches grow from one cycle to the next (a few seconds at most)."""
        port = harness.free_port()
        with harness.Exporter(["--collector.disable-defaults", "--collector.perf",
                               "--collector.perf.cpus=0",
                               "--collector.perf.disable-hardware-profilers",
                               "--collector.perf.disable-cache-profilers",
                               "--collection.interval=300ms",
                               "--web.listen-address=127.0.0.1:%d" % port], port):
            key = ("node_perf_context_switches_total", frozenset({("cpu", "0")}))
            done = ("node_scrape_collector_success", frozenset({("collector", "perf")}))
            first = harness.wait_for(
                "a scrape after perf's first cycle",
                lambda: (lambda s: s if done in s else None)(harness.scrape_series(port)),
                timeout=10)
            if key not in first:
                raise unittest.SkipTest("perf_event_open refused here")
            harness.wait_for("CPU 0's context switches to grow",
                             lambda: harness.scrape_series(port).get(key, 0) > first[key],
                             timeout=10)

    def test_unknown_profiler_refused_at_start(self):
        r = subprocess.run([harness.binary(), "--once", "--collector.perf",
                            "--collector.perf.software-profilers=NoSuch"],
                           capture_output=True, text=True, timeout=60)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("--collector.perf.software-profilers: unknown profiler 'NoSuch'",
                      r.stderr)


if __name__ == "__main__":
    harness.main()
