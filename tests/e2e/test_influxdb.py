"""The InfluxDB sink against Debian's real influxd 1.x, on loopback.

influxd runs from a temporary directory with authentication enabled. The
exporter reads the fixture root with a 1 s interval and a 1 s flush, so every
wait here is a few seconds. Prints the figures it compares.
"""
import json
import math
import os
import shutil
import signal
import socket
import tempfile
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request
import base64

import harness
from harness import (Exporter, fixture_flags, free_port, request, scrape_series,
                     wait_for)

INFLUXD = harness.INFLUXD
ADMIN = ("admin", "adminpw")
DB = "host_exporter"  # the database of a base URL without `database`
# Collectors on the fixture root, chosen by the script-era `metrics` toggles.
FLAGS = fixture_flags() + ["--collector.disable-defaults"]
METRICS = {"cpu": True, "memory": True, "disk": False, "network": True}


class Influxd(harness.Influxd):
    """influxd with authentication on, an admin user and the database DB."""

    def __init__(self):
        super().__init__()
        try:
            # With auth on and no user yet, influxd accepts creating the admin.
            self.query("CREATE USER admin WITH PASSWORD 'adminpw' WITH ALL PRIVILEGES",
                       auth=None, post=True)
            self.query('CREATE DATABASE "%s"' % DB, post=True)
        except BaseException:
            self.close()
            raise

    def query(self, q, auth=ADMIN, post=False, db=None):
        params = {"q": q, "epoch": "ms"}
        if db:
            params["db"] = db
        data = urllib.parse.urlencode(params).encode()
        if post:
            req = urllib.request.Request(self.url + "/query", data=data, method="POST")
        else:
            req = urllib.request.Request(self.url + "/query?" + data.decode())
        if auth:
            token = base64.b64encode(("%s:%s" % auth).encode()).decode()
            req.add_header("Authorization", "Basic " + token)
        with urllib.request.urlopen(req, timeout=10) as r:
            body = json.load(r)
        for res in body.get("results", []):
            if "error" in res:
                raise AssertionError("influx query %r: %s" % (q, res["error"]))
        return body

    def points(self, where=""):
        """{time_ms: {(measurement, frozenset(tags)): value}} of the database."""
        body = self.query('SELECT "value" FROM /.*/ %s GROUP BY *' % where, db=DB)
        out = {}
        for s in body["results"][0].get("series", []):
            tags = frozenset((k, v) for k, v in s.get("tags", {}).items() if v != "")
            for t, v in s["values"]:
                key = (s["name"], tags)
                bucket = out.setdefault(t, {})
                assert key not in bucket, "duplicate point %r at %d" % (key, t)
                bucket[key] = v
        return out


def write_config(dirpath, database, name="config.json", mode=0o644):
    path = os.path.join(dirpath, name)
    with open(path, "w") as f:
        json.dump({"collection_interval": 1, "metrics": METRICS, "database": database,
                   "logging": {"log_file": os.path.join(dirpath, "host_exporter.log"),
                               "log_level": "INFO"}}, f, indent=2)
    os.chmod(path, mode)
    return path


def read_log(dirpath):
    with open(os.path.join(dirpath, "host_exporter.log"), errors="replace") as f:
        return f.read()


def log_fields(line):
    """The key=value fields of a logfmt line (values unquoted)."""
    out, i = {}, 0
    while i < len(line):
        eq = line.find("=", i)
        if eq < 0:
            break
        key = line[i:eq].strip()
        if eq + 1 < len(line) and line[eq + 1] == '"':
            j, val = eq + 2, []
            while line[j] != '"':
                if line[j] == "\\":
                    j += 1
                val.append(line[j])
                j += 1
            out[key] = "".join(val)
            i = j + 2
        else:
            end = line.find(" ", eq)
            end = len(line) if end < 0 else end
            out[key] = line[eq + 1:end]
            i = end + 1
    return out


@unittest.skipUnless(INFLUXD, "influxd is not installed (Debian package influxdb)")
class InfluxdbSinkTest(unittest.TestCase):
    def setUp(self):
        self.influx = Influxd()
        self.addCleanup(self.influx.close)
        self.tmp = tempfile.mkdtemp(prefix="sink-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def start_exporter(self, database, env=None, mode=0o644):
        config = write_config(self.tmp, database, mode=mode)
        port = free_port()
        exp = Exporter(FLAGS + ["--config.file=" + config,
                                "--web.listen-address=127.0.0.1:%d" % port],
                       port, env=env)
        self.addCleanup(exp.stop)
        return exp, port

    def test_points_equal_the_snapshot_of_the_same_cycle(self):
        # The script's config shape, unchanged (inline password, base URL,
        # no database); only the flush is shortened for the test.
        exp, port = self.start_exporter({
            "type": "influxdb", "url": self.influx.url,
            "username": ADMIN[0], "password": ADMIN[1], "flush_interval": 1})
        # A few cycles, then the snapshot served now.
        wait_for("3 cycles pushed", lambda: len(self.influx.points()) >= 3)
        served = scrape_series(port)
        # Which cycle it is: the collector durations differ in every cycle.
        key = ("node_scrape_collector_duration_seconds",
               frozenset({("collector", "cpu")}))
        want = served[key]

        def find_cycle():
            body = self.influx.query(
                "SELECT value FROM node_scrape_collector_duration_seconds "
                "WHERE collector = 'cpu'", db=DB)
            return [t for t, v in body["results"][0]["series"][0]["values"]
                    if v == want]
        t = wait_for("the served cycle in InfluxDB", find_cycle)[0]
        pushed = self.influx.points("WHERE time = %dms" % t)[t]
        host = socket.gethostname()
        pushed_no_host = {}
        for (name, tags), v in pushed.items():
            self.assertIn(("host", host), tags, name)
            pushed_no_host[(name, tags - {("host", host)})] = v
        finite = {k: v for k, v in served.items() if math.isfinite(v)}
        self.assertEqual(set(pushed_no_host), set(finite))
        # InfluxDB stores float64 fields but its JSON prints integral values
        # without an exponent (1.8446744073709552e+19 → 18446744073709552000),
        # which json parses as an int: compare as float64, as stored.
        unequal = [(k, finite[k], pushed_no_host[k]) for k in finite
                   if finite[k] != float(pushed_no_host[k])]
        self.assertEqual(unequal, [])
        self.assertGreater(len(finite), 50)
        print("\ninfluxdb: cycle at %d ms: %d series served, %d points queried back, "
              "all equal (%d non-finite skipped)"
              % (t, len(served), len(pushed), len(served) - len(finite)))
        # The inline password sits in a file others can read: warned.
        self.assertRegex(read_log(self.tmp),
                         r"level=warn msg=\"file .*config.json holding "
                         r"database.password \(inline\) is readable by other users")

    def test_outage_keeps_the_newest_points_within_the_bound(self):
        secret = os.path.join(self.tmp, "influx-password")
        with open(secret, "w") as f:
            f.write(ADMIN[1] + "\n")
        os.chmod(secret, 0o600)
        bound = 500
        exp, port = self.start_exporter({
            "type": "influxdb", "url": self.influx.url + "/write?db=" + DB,
            "username": ADMIN[0], "password_file": secret, "flush_interval": "1s",
            "timeout": "2s", "max_buffer_points": bound, "batch_size": 100,
            "min_backoff": "100ms", "max_backoff": "500ms"}, mode=0o600)
        wait_for("first points", lambda: len(self.influx.points()) >= 2)
        self.influx.stop()
        # Down long enough for the buffer to overflow.
        wait_for("a full buffer and drops", lambda: (
            scrape_series(port).get(("host_exporter_sink_points_dropped_total",
                               frozenset({("sink", "influxdb")})), 0) > 0), timeout=30)
        served = scrape_series(port)
        buffered = served[("host_exporter_sink_buffered_points",
                           frozenset({("sink", "influxdb")}))]
        self.assertLessEqual(buffered, bound + 100)  # bound + one batch in flight
        time.sleep(2)  # a few more cycles dropped
        self.influx.start()
        # Drained: less than a batch waits (the gauge is read at the start
        # of a cycle, when the previous cycle's tail may still wait for its
        # flush).
        sink = frozenset({("sink", "influxdb")})
        wait_for("the buffer drained", lambda: scrape_series(port).get(
            ("host_exporter_sink_buffered_points", sink), bound) < 100, timeout=30)
        # Stop the exporter: it pushes what it has and logs its totals.
        exp.proc.send_signal(signal.SIGTERM)
        exp.proc.wait(10)
        stopped = [l for l in read_log(self.tmp).splitlines()
                   if 'msg="push sink stopped"' in l]
        self.assertEqual(len(stopped), 1, read_log(self.tmp))
        totals = {k: int(v) for k, v in log_fields(stopped[0]).items()
                  if k in ("enqueued", "sent", "failed", "dropped", "unsent")}
        points = self.influx.points()
        stored = sum(len(p) for p in points.values())
        per_cycle = max(len(p) for p in points.values())
        print("\ninfluxdb outage: bound %d, %d points per cycle; enqueued %d, sent %d, "
              "dropped %d, failed %d, unsent %d; %d points in %d cycles stored"
              % (bound, per_cycle, totals["enqueued"], totals["sent"],
                 totals["dropped"], totals["failed"], totals["unsent"], stored,
                 len(points)))
        self.assertEqual(totals["unsent"], 0)
        self.assertEqual(totals["failed"], 0)
        self.assertGreater(totals["dropped"], 0)
        # Nothing lost silently and nothing twice: what the server holds is
        # exactly what was sent, and sent + dropped is all there was.
        self.assertEqual(stored, totals["sent"])
        self.assertEqual(totals["enqueued"], totals["sent"] + totals["dropped"])
        # Oldest first: the cycles present are complete except a short run
        # of adjacent ones around the gap: the one before may have lost its
        # tail (sent in part when influxd went away), the one after its head;
        # and a batch in flight when influxd came back (not counted in the
        # bound, sent after all) can leave a third: its cycle's head stored,
        # the rest of that cycle and the head of the next dropped. With the
        # cycles in the gap, what is cut is exactly what was counted dropped.
        times = sorted(points)
        self.assertEqual(totals["enqueued"] % per_cycle, 0)
        cycles = totals["enqueued"] // per_cycle
        incomplete = [i for i, t in enumerate(times) if len(points[t]) != per_cycle]
        cut_cycles = [(times[i], len(points[times[i]])) for i in incomplete]
        self.assertLessEqual(len(incomplete), 3, "cut cycles at %s" % cut_cycles)
        if incomplete:
            self.assertEqual(incomplete, list(range(incomplete[0], incomplete[-1] + 1)),
                             "cut cycles not adjacent: %s" % cut_cycles)
        missing_cycles = cycles - len(times)
        self.assertGreater(missing_cycles, 0)
        cut = sum(per_cycle - len(points[t]) for t in times)
        self.assertEqual(cut + missing_cycles * per_cycle, totals["dropped"])
        # The gap is the widest step in or next to the run of cut cycles.
        # Time alone cannot find it: on a loaded machine a late cycle leaves
        # a wider step than a short outage.
        first = incomplete[0] if incomplete else 1
        last = incomplete[-1] if incomplete else len(times) - 1
        candidates = range(max(1, first), max(1, last) + 1)
        after = max(candidates, key=lambda i: times[i] - times[i - 1])
        # What the buffer held when influxd came back arrived: the cycles
        # after the gap hold at least the bound's worth of points.
        held = sum(len(points[t]) for t in times[after:])
        self.assertGreaterEqual(held, bound)
        print("influxdb outage: %d cycles missing, %d points cut from %d cycles "
              "around the gap, %d points stored after it"
              % (missing_cycles, cut, len(incomplete), held))

    def test_wrong_password_is_logged_counted_and_serving_goes_on(self):
        exp, port = self.start_exporter(
            {"type": "influxdb", "url": self.influx.url, "username": ADMIN[0],
             "flush_interval": 1},
            env={"HOST_EXPORTER_DATABASE_PASSWORD": "wrong"})
        key = ("host_exporter_sink_points_failed_total",
               frozenset({("sink", "influxdb")}))
        first = wait_for("failed points", lambda: scrape_series(port).get(key, 0))
        second = wait_for("more failed points",
                          lambda: scrape_series(port).get(key, 0) > first and
                          scrape_series(port)[key])
        log = read_log(self.tmp)
        rejected = [l for l in log.splitlines() if "push write rejected" in l]
        self.assertTrue(rejected, log)
        fields = log_fields(rejected[0])
        self.assertEqual(fields["level"], "error")
        self.assertEqual(fields["url"], self.influx.url + "/write?db=%s&precision=ms" % DB)
        self.assertEqual(fields["status"], "401")
        self.assertIn("authorization failed", fields["err"])
        # Logged once for the episode, not once per batch.
        self.assertEqual(len(rejected), 1, log)
        status, _, body = request("127.0.0.1", port, "GET", "/metrics")
        self.assertEqual(status, 200)
        self.assertIn(b"node_load1 ", body)
        self.assertEqual(self.influx.points(), {})
        print("\ninfluxdb wrong password: failed points %d then %d; log: %s"
              % (first, second, rejected[0]))

    def test_sighup_keeps_pushing_and_applies_changed_settings(self):
        db = {"type": "influxdb", "url": self.influx.url, "username": ADMIN[0],
              "password": ADMIN[1], "flush_interval": 1}
        exp, port = self.start_exporter(db)
        wait_for("first points", lambda: len(self.influx.points()) >= 1)
        # Unchanged settings: the sink carries on through the new scheduler
        # (whose cycle numbers start again at 1).
        sent_before = time.time() * 1000
        exp.proc.send_signal(signal.SIGHUP)
        wait_for("points after an unchanged reload", lambda: max(
            self.influx.points()) > sent_before + 1500)
        self.assertNotIn("push sink settings changed", read_log(self.tmp))
        # Changed settings: the sink restarts with them.
        write_config(self.tmp, dict(db, tags={"site": "b"}))
        exp.proc.send_signal(signal.SIGHUP)

        def tagged():
            body = self.influx.query("SELECT value FROM node_load1 WHERE site = 'b'",
                                     db=DB)
            return body["results"][0].get("series")
        wait_for("points with the new tag", tagged)
        self.assertEqual(read_log(self.tmp).count("push sink settings changed"), 1)
        self.assertEqual(exp.proc.poll(), None)


if __name__ == "__main__":
    harness.main()
