"""The Prometheus remote-write sink against Debian's real Prometheus.

Prometheus runs on loopback with --web.enable-remote-write-receiver and its
TSDB in a temporary directory, scraping nothing. The exporter pushes the
fixture root every second; the series are then read back through the query
API and compared with /metrics of the same cycle. Prints the figures.
"""
import json
import math
import os
import shutil
import socket
import tempfile
import unittest

import harness
from harness import Exporter, fixture_flags, free_port, scrape_series, wait_for

PROMETHEUS = harness.PROMETHEUS
FLAGS = fixture_flags() + ["--collector.disable-defaults", "--collector.cpu",
                           "--collector.loadavg", "--collector.meminfo",
                           "--collector.netdev", "--collection.interval=1s"]


class Prometheus(harness.Prometheus):
    """A Prometheus server that only receives remote writes."""

    def __init__(self):
        super().__init__("global:\n  scrape_interval: 1h\n",
                         ["--web.enable-remote-write-receiver"], timeout=30.0)

    def samples(self, selector):
        """{time_ms: {(name, frozenset(labels)): value}} over the last minute."""
        data = self.query(selector + "[1m]")
        out = {}
        for s in data["result"]:
            labels = dict(s["metric"])
            name = labels.pop("__name__")
            key = (name, frozenset(labels.items()))
            for t, v in s["values"]:
                bucket = out.setdefault(round(float(t) * 1000), {})
                assert key not in bucket, "duplicate sample %r at %s" % (key, t)
                bucket[key] = float(v)
        return out


def same(a, b):
    return a == b or (math.isnan(a) and math.isnan(b))


@unittest.skipUnless(PROMETHEUS, "prometheus is not installed (Debian package prometheus)")
class RemoteWriteTest(unittest.TestCase):
    def setUp(self):
        self.prom = Prometheus()
        self.addCleanup(self.prom.close)
        self.tmp = tempfile.mkdtemp(prefix="rw-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def test_series_arrive_with_values_and_labels(self):
        token = os.path.join(self.tmp, "token")
        with open(token, "w") as f:
            f.write("not-checked-by-prometheus\n")
        os.chmod(token, 0o600)
        config = os.path.join(self.tmp, "config.json")
        with open(config, "w") as f:
            json.dump({"remote_write": {
                "url": self.prom.url + "/api/v1/write",
                "bearer_token_file": token,
                "queue": {"max_samples_per_send": 100, "batch_send_deadline": "1s",
                          "min_backoff": "50ms", "max_backoff": "500ms"},
                "remote_timeout": "2s",
                "external_labels": {"job": "edge", "site": "test"}}}, f)
        port = free_port()
        exp = Exporter(FLAGS + ["--config.file=" + config,
                                "--web.listen-address=127.0.0.1:%d" % port], port)
        self.addCleanup(exp.stop)
        host = socket.gethostname()
        external = {("instance", host), ("job", "edge"), ("site", "test")}

        # The fixture's load average, with the external labels.
        def load1():
            r = self.prom.query('node_load1{job="edge"}')["result"]
            return r or None
        r = wait_for("node_load1 in Prometheus", load1)
        self.assertEqual(r[0]["metric"], {"__name__": "node_load1", "instance": host,
                                          "job": "edge", "site": "test"})
        self.assertEqual(r[0]["value"][1], "0.21")

        # A few cycles, then the snapshot served now, found by its durations.
        wait_for("3 cycles", lambda: len(self.prom.samples('{job="edge"}')) >= 3)
        served = scrape_series(port)
        key = ("node_scrape_collector_duration_seconds",
               frozenset({("collector", "cpu")}))

        def find_cycle():
            got = self.prom.samples('node_scrape_collector_duration_seconds'
                                    '{collector="cpu"}')
            return [t for t, s in got.items()
                    if any(v == served[key] for v in s.values())]
        t = wait_for("the served cycle in Prometheus", find_cycle)[0]
        pushed = {}
        for (name, labels), v in self.prom.samples('{job="edge"}')[t].items():
            self.assertTrue(external <= labels, (name, labels))
            pushed[(name, labels - external)] = v
        self.assertEqual(set(pushed), set(served))
        unequal = [(k, served[k], pushed[k]) for k in served
                   if not same(served[k], pushed[k])]
        self.assertEqual(unequal, [])
        self.assertGreater(len(served), 50)
        sent = served[("host_exporter_sink_points_sent_total",
                       frozenset({("sink", "remote_write")}))]
        print("\nremote_write: cycle at %d ms: %d series served, %d samples queried "
              "back with instance=%s job=edge site=test, all equal; %d samples sent "
              "before it" % (t, len(served), len(pushed), host, sent))

    def test_receiver_off_is_a_clear_rejection(self):
        # A 404 from a Prometheus without the receiver is not retried.
        config = os.path.join(self.tmp, "config.json")
        with open(config, "w") as f:
            json.dump({"remote_write": {"url": self.prom.url + "/api/v1/nowhere",
                                        "queue": {"batch_send_deadline": "1s"}}}, f)
        port = free_port()
        log = os.path.join(self.tmp, "exporter.log")
        exp = Exporter(FLAGS + ["--config.file=" + config, "--log.file=" + log,
                                "--web.listen-address=127.0.0.1:%d" % port], port)
        self.addCleanup(exp.stop)
        key = ("host_exporter_sink_points_failed_total",
               frozenset({("sink", "remote_write")}))
        failed = wait_for("failed samples", lambda: scrape_series(port).get(key, 0))
        with open(log) as f:
            lines = [l for l in f if "push write rejected" in l]
        self.assertEqual(len(lines), 1)
        self.assertIn('url=%s/api/v1/nowhere status=404' % self.prom.url, lines[0])
        print("\nremote_write to a wrong path: %d samples failed; %s"
              % (failed, lines[0].strip()))


if __name__ == "__main__":
    harness.main()
