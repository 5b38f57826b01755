"""Every exposition format a real Prometheus asks for gives the same data.

host_exporter runs on the fixture root (stable values) with a textfile
directory holding an OpenMetrics file with a `_created` counter. Three
Prometheus servers scrape it on loopback once a second:

- Debian 12's /usr/bin/prometheus (2.42), with its fixed default Accept
  header (OpenMetrics 1.0.0 preferred);
- Debian 13's 2.53 (from scripts/fetch-reference, never installed), one job
  per `scrape_protocols` choice (OpenMetricsText1.0.0, OpenMetricsText0.0.1,
  PrometheusText0.0.4, PrometheusProto), once without and once with
  `--enable-feature=created-timestamp-zero-ingestion`.

Checked: every target up without a scrape error (/api/v1/targets); every
series of every job, with its value, the same as the text format's (the
OpenMetrics differences Prometheus 2.x keeps are undone first: a counter
without `_total` gets it, `le`/`quantile` "1.0" for "1", and the `_created`
samples ingested as series, which must be there in OpenMetrics only and hold
the created time: the textfile's `_created`, the fixture's boot time for
kernel counters); with created-timestamp zero ingestion and protobuf, a 0
sample at the created time of the textfile counter and of our own counter
(process start), none from a text format; `promtool check metrics` on the
text 0.0.4 and 1.0.0 forms; a textfile's UTF-8 names served quoted to
`escaping=allow-utf-8` and escaped by the other schemes (and so ingested
escaped by Prometheus 2.x). About 20 s. A missing Prometheus 2.53 (run
scripts/fetch-reference) or 2.42 leaves its part out; without both: skip (77).
"""
import os
import re
import shutil
import subprocess
import tempfile
import time
import unittest

import harness
from harness import Exporter, fixture_flags, free_port, request

PROMETHEUS_242 = harness.PROMETHEUS
PROMETHEUS_253 = os.path.join(harness.SOURCE_ROOT, ".cache", "reference", "prometheus",
                              "usr", "bin", "prometheus")
PROMTOOL = shutil.which("promtool")

PROTOCOLS = ["OpenMetricsText1.0.0", "OpenMetricsText0.0.1", "PrometheusText0.0.4",
             "PrometheusProto"]
PROTO_JOB = "p%d" % PROTOCOLS.index("PrometheusProto")
CT_FLAG = "--enable-feature=created-timestamp-zero-ingestion"
BOOT = 1700000042  # btime of tests/fixtures/root/proc/stat

# Values that change from one collection (or scrape) to the next.
VOLATILE = re.compile(r"^(process_|host_exporter_|node_scrape_collector_duration_seconds|"
                      r"node_time|node_textfile_mtime|node_filesystem_(avail|free|files_free)|up$|scrape_)")

ACCEPT = {
    "OpenMetricsText1.0.0": "application/openmetrics-text;version=1.0.0",
    "PrometheusText0.0.4": "text/plain;version=0.0.4",
    "PrometheusText1.0.0": "text/plain;version=1.0.0",
    "PrometheusProto": "application/vnd.google.protobuf;"
                       "proto=io.prometheus.client.MetricFamily;encoding=delimited",
}


def prometheus_config(port, jobs):
    out = ["global:", "  scrape_interval: 1s", "  scrape_timeout: 900ms", "scrape_configs:"]
    for job, protocol in jobs:
        out += ["  - job_name: %s" % job]
        if protocol:
            out += ["    scrape_protocols: [%s]" % protocol]
        out += ["    static_configs:", "      - targets: ['127.0.0.1:%d']" % port]
    return "\n".join(out) + "\n"


def text_float(s):
    """A label value as the text form writes the number ("1", "2.5", "+Inf")."""
    v = float(s)
    if v != v or v in (float("inf"), float("-inf")):
        return s
    return "%d" % v if v.is_integer() else repr(v)


def number(s):
    return float(s)


class FormatsTest(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        if not PROMETHEUS_242 and not os.access(PROMETHEUS_253, os.X_OK):
            raise unittest.SkipTest("no prometheus (Debian 12's or scripts/fetch-reference's)")
        cls.tmp = tempfile.mkdtemp(prefix="formats-")
        cls.created = int(time.time()) - 30
        with open(os.path.join(cls.tmp, "jobs.prom"), "w") as f:
            f.write("# TYPE jobs counter\n# HELP jobs Jobs done.\n"
                    'jobs_total{kind="a"} 3\n'
                    'jobs_created{kind="a"} %d\n'
                    'jobs_total{kind="b"} 4\n'
                    "# TYPE queue_seconds gauge\n# UNIT queue_seconds seconds\n"
                    "queue_seconds 0.5\n# EOF\n" % cls.created)
        # Integer bucket bounds and quantiles: Prometheus 2.x stores "le" and
        # "quantile" as written, so every format must write "1", not "1.0".
        with open(os.path.join(cls.tmp, "hist.prom"), "w") as f:
            f.write("# TYPE req_seconds histogram\n"
                    'req_seconds_bucket{le="1"} 2\nreq_seconds_bucket{le="2.5"} 3\n'
                    'req_seconds_bucket{le="+Inf"} 4\n'
                    "req_seconds_sum 7\nreq_seconds_count 4\n"
                    "# TYPE rpc_seconds summary\n"
                    'rpc_seconds{quantile="0.5"} 0.2\nrpc_seconds{quantile="1"} 0.9\n'
                    "rpc_seconds_sum 3\nrpc_seconds_count 5\n"
                    # A counter named without _total keeps its name everywhere.
                    "# TYPE legacy_requests counter\nlegacy_requests 5\n")
        # UTF-8 names (text 1.0.0's quoted syntax): Prometheus 2.x asks for
        # no escaping scheme, so gets them escaped with underscores.
        with open(os.path.join(cls.tmp, "utf8.prom"), "w") as f:
            f.write('# HELP "app.requests.current" Dotted name.\n'
                    '# TYPE "app.requests.current" gauge\n'
                    '{"app.requests.current","http.method"="GET"} 7\n')
        port = free_port()
        cls.exporter = Exporter(fixture_flags() + [
            "--web.listen-address=127.0.0.1:%d" % port,
            "--collector.textfile.directory=" + cls.tmp,
            # _created samples in OpenMetrics are off by default (see
            # SnapshotCreatedTimes in the unit tests); on here to check them.
            "--web.openmetrics.created-samples"], port)
        cls.servers = {}
        try:
            if PROMETHEUS_242:
                cls.servers["242"] = harness.Prometheus(
                    prometheus_config(port, [("default242", None)]), exe=PROMETHEUS_242,
                    name="prometheus-2.42")
            if os.access(PROMETHEUS_253, os.X_OK):
                jobs = [("p%d" % i, p) for i, p in enumerate(PROTOCOLS)]
                cls.servers["253"] = harness.Prometheus(
                    prometheus_config(port, jobs), exe=PROMETHEUS_253, name="prometheus-2.53")
                cls.servers["253ct"] = harness.Prometheus(
                    prometheus_config(port, jobs), args=[CT_FLAG], exe=PROMETHEUS_253,
                    name="prometheus-2.53-ct")
            # Three scrapes of every job.
            deadline = time.monotonic() + 30
            for srv in cls.servers.values():
                while time.monotonic() < deadline:
                    r = srv.query("min(count_over_time(up[1m]))")
                    if r["result"] and float(r["result"][0]["value"][1]) >= 3:
                        break
                    time.sleep(0.5)
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        for srv in getattr(cls, "servers", {}).values():
            srv.close()
        if getattr(cls, "exporter", None):
            cls.exporter.stop()
        shutil.rmtree(getattr(cls, "tmp", ""), ignore_errors=True)

    def jobs(self):
        for key, srv in self.servers.items():
            for t in srv.api("/api/v1/targets")["data"]["activeTargets"]:
                yield key, srv, t["labels"]["job"], t

    def series(self, srv, job):
        """{(name, labels): value} of one job, at the latest scrape."""
        r = srv.query('{job="%s"}' % job)
        out = {}
        for s in r["result"]:
            m = dict(s["metric"])
            name = m.pop("__name__")
            m.pop("job"), m.pop("instance")
            out[(name, frozenset(m.items()))] = float(s["value"][1])
        return out

    def test_targets_have_no_scrape_errors(self):
        n = 0
        for key, _, job, t in self.jobs():
            n += 1
            self.assertEqual((t["health"], t["lastError"]), ("up", ""), (key, job))
        self.assertEqual(n, (1 if "242" in self.servers else 0) +
                         (8 if "253" in self.servers else 0))

    def test_same_series_and_values_in_every_format(self):
        # The reference: what the exporter serves as text 0.0.4.
        _, _, body = request("127.0.0.1", self.exporter.port, "GET", "/metrics",
                             {"Accept": ACCEPT["PrometheusText0.0.4"]})
        ref_series, meta = harness.parse_exposition(body.decode())
        counters = {n for n, (t, _) in meta.items() if t == "counter"}
        ref = {}
        for (name, labels), v in ref_series.items():
            # "le" and "quantile" as written: OpenMetrics writes them as the
            # text form does, so Prometheus 2.x stores the same series.
            labels = frozenset((k, v_) for k, v_ in labels if v_ != "")
            ref[(name, labels)] = v
        for key, srv, job, _ in self.jobs():
            got, created = {}, {}
            for (name, labels), v in self.series(srv, job).items():
                if name.startswith(("scrape_",)) or name == "up":
                    continue
                labels = frozenset(labels)
                if job == PROTO_JOB:
                    # From protobuf, Prometheus itself formats "le" and
                    # "quantile" from the double ("1.0"), whatever the exporter.
                    labels = frozenset((k, text_float(v_) if k in ("le", "quantile") else v_)
                                       for k, v_ in labels)
                if name.endswith("_created") and name[:-8] + "_total" in counters | {
                        "jobs_total"}:
                    created[(name[:-8] + "_total", labels)] = v
                    continue
                got[(name, labels)] = v
            with self.subTest(prometheus=key, job=job):
                self.assertEqual(got.get(("app_requests_current",
                                          frozenset({("http_method", "GET")}))), 7.0)
                self.assertEqual(got.get(("req_seconds_bucket", frozenset({("le", "1")}))), 2)
                self.assertEqual(got.get(("rpc_seconds", frozenset({("quantile", "1")}))), 0.9)
                self.assertEqual(got.get(("legacy_requests", frozenset())), 5)
                self.assertEqual(sorted(set(got) - set(ref)), [])
                self.assertEqual(sorted(set(ref) - set(got)), [])
                diff = [(k, ref[k], got[k]) for k in ref
                        if not VOLATILE.match(k[0]) and ref[k] != got[k]
                        and not (ref[k] != ref[k] and got[k] != got[k])]
                self.assertEqual([(k[0], a, b) for k, a, b in diff], [])
                # _created samples (OpenMetrics: Prometheus 2.x keeps them as
                # series) hold the created time; the other formats have none.
                om = job in ("default242", "p0", "p1")
                self.assertEqual(((
                    "jobs_total", frozenset({("kind", "a")})) in created), om)
                self.assertEqual(("node_intr_total", frozenset()) in created, om)
                for (name, labels), v in created.items():
                    if name == "jobs_total":
                        self.assertEqual(v, self.created)
                    elif name.startswith("node_"):
                        self.assertEqual(v, BOOT, name)

    def test_created_timestamps_as_zero_samples(self):
        srv = self.servers.get("253ct")
        if srv is None:
            self.skipTest("no Prometheus 2.53 (scripts/fetch-reference)")
        start = float(self.series(srv, "p3")[("process_start_time_seconds",
                                                frozenset())])

        def samples(expr, t0, t1):
            r = srv.api("/api/v1/query_range", query=expr, start=t0, end=t1, step=1)
            assert r["status"] == "success", r
            return [(float(t), float(v)) for s in r["data"]["result"] for t, v in s["values"]]

        # The textfile counter: 0 at its file's _created (a lookback step
        # after it, before the first real sample).
        got = samples('jobs_total{job="p3",kind="a"}', self.created, self.created + 1)
        self.assertIn((float(self.created), 0.0), got)
        # Our own counter: 0 at the process start.
        t = int(start) + 1
        got = samples('process_cpu_seconds_total{job="p3"}', t, t)
        self.assertEqual(got[0][1], 0.0, got)
        # The text formats carry no created time: no zero sample.
        got = samples('jobs_total{job="p2",kind="a"}', self.created, self.created + 1)
        self.assertEqual(got, [])

    def test_utf8_names_by_escaping(self):
        def get(accept):
            status, h, body = request("127.0.0.1", self.exporter.port, "GET", "/metrics",
                                      {"Accept": accept})
            self.assertEqual(status, 200)
            return h["content-type"], body.decode()
        ct, body = get("text/plain;version=1.0.0;escaping=allow-utf-8")
        self.assertTrue(ct.endswith("; escaping=allow-utf-8"), ct)
        self.assertTrue('{"app.requests.current","http.method"="GET"} 7\n' in body,
                        "no quoted UTF-8 name")
        for scheme, line in (("underscores", 'app_requests_current{http_method="GET"} 7'),
                             ("dots", 'app_dot_requests_dot_current{http_dot_method="GET"} 7'),
                             ("values", 'U__app_2e_requests_2e_current{U__http_2e_method="GET"} 7')):
            ct, body = get("text/plain;version=1.0.0;escaping=" + scheme)
            self.assertTrue(line + "\n" in body, "%s: no %s" % (scheme, line))
            self.assertFalse("app.requests" in body, scheme)
        ct, body = get("application/openmetrics-text;version=1.0.0;escaping=allow-utf-8")
        self.assertTrue('{"app.requests.current","http.method"="GET"} 7.0\n' in body,
                        "OpenMetrics: no quoted UTF-8 name")

    def test_promtool_check_metrics(self):
        if not PROMTOOL:
            self.skipTest("promtool not installed (apt-get install prometheus)")
        for fmt in ("PrometheusText0.0.4", "PrometheusText1.0.0"):
            status, h, body = request("127.0.0.1", self.exporter.port, "GET", "/metrics",
                                      {"Accept": ACCEPT[fmt]})
            self.assertEqual(status, 200)
            self.assertIn("version=%s" % fmt[-5:], h["content-type"])
            r = subprocess.run([PROMTOOL, "check", "metrics"], input=body, capture_output=True,
                               timeout=60)
            out = (r.stdout + r.stderr).decode()
            # promtool exits 1 for lint warnings too; only parse errors count.
            errors = [l for l in out.splitlines() if "error while linting" in l or
                      "parsing error" in l]
            self.assertEqual(errors, [], (fmt, out))


if __name__ == "__main__":
    harness.main()
