"""The users of the monitoring script host_exporter replaces: their own
config file (tests/fixtures/script/config_data_processing.json, unchanged but
for the InfluxDB port and the log file's directory) against a real influxd
1.x with authentication on, user admin/secret and database system_metrics,
as the script's documentation sets it up.

Checks that the file passes --check-config as it is; that with
`"format": "system_metrics"` the script's own query
`SELECT * FROM system_metrics LIMIT 10` returns rows for cpu, memory, disk and
network within two collection intervals, with values that agree with /proc
and statvfs("/") read by this test at the same moments; and that on SIGTERM
the points still buffered reach InfluxDB.
"""
import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import unittest

import harness
from harness import Exporter, free_port, wait_for
from test_influxdb import INFLUXD, Influxd

FIXTURE = os.path.join(harness.SOURCE_ROOT, "tests", "fixtures", "script",
                       "config_data_processing.json")
USER = ("admin", "secret")  # the file's database.auth
DB = "system_metrics"        # the file's db= parameter


def proc_cpu():
    """(total, busy) jiffies summed over CPUs, as psutil computes them."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    # user nice system idle iowait irq softirq steal guest guest_nice;
    # guest and guest_nice are already in user and nice.
    total = sum(v[:8])
    return total, total - v[3] - v[4]


def proc_memory_percent():
    m = {}
    with open("/proc/meminfo") as f:
        for line in f:
            k, rest = line.split(":", 1)
            m[k] = int(rest.split()[0])
    return (m["MemTotal"] - m["MemAvailable"]) / m["MemTotal"] * 100


def disk_percent():
    st = os.statvfs("/")
    used = (st.f_blocks - st.f_bfree) * st.f_frsize
    avail = st.f_bavail * st.f_frsize
    return used / (used + avail) * 100


def net_bytes():
    """(sent, received) summed over every interface of /proc/net/dev."""
    sent = recv = 0
    with open("/proc/net/dev") as f:
        for line in f.readlines()[2:]:
            cols = line.split(":", 1)[1].split()
            recv += int(cols[0])
            sent += int(cols[8])
    return sent, recv


class Sampler:
    """Reads /proc every 100 ms in a thread: (unix time, readings)."""

    def __init__(self):
        self.samples = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while not self.stop.is_set():
            t0 = time.time()
            s = {"cpu": proc_cpu(), "memory": proc_memory_percent(),
                 "disk": disk_percent(), "net": net_bytes()}
            self.samples.append((t0, time.time(), s))
            self.stop.wait(0.1)

    def close(self):
        self.stop.set()
        self.thread.join()

    def nearest(self, t):
        return min(self.samples, key=lambda s: abs(s[0] - t))

    def before(self, t):
        return max((s for s in self.samples if s[1] <= t), key=lambda s: s[0])

    def after(self, t):
        return min((s for s in self.samples if s[0] >= t), key=lambda s: s[0])


def user_config(dirpath, influx_port, **database):
    """The fixture with only the port and the log directory changed (and
    `database` keys added when given)."""
    with open(FIXTURE) as f:
        cfg = json.load(f)
    cfg["database"]["url"] = cfg["database"]["url"].replace(
        "127.0.0.1:8086", "127.0.0.1:%d" % influx_port)
    cfg["logging"]["log_file"] = os.path.join(dirpath, "data_processing.log")
    cfg["database"].update(database)
    path = os.path.join(dirpath, "config_data_processing.json")
    with open(path, "w") as f:
        json.dump(cfg, f, indent=4)
    # As the script's documentation leaves it: readable by everyone.
    os.chmod(path, 0o644)
    return path, cfg


@unittest.skipUnless(INFLUXD, "influxd is not installed (Debian package influxdb)")
class ScriptUsersTest(unittest.TestCase):
    def setUp(self):
        self.influx = Influxd()
        self.addCleanup(self.influx.close)
        # The script's documentation: user admin/secret, database system_metrics.
        self.influx.query("SET PASSWORD FOR admin = 'secret'", post=True)
        self.influx.query('CREATE DATABASE "%s"' % DB, auth=USER, post=True)
        self.tmp = tempfile.mkdtemp(prefix="script-users-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def query(self, q):
        body = self.influx.query(q, auth=USER, db=DB)
        return body["results"][0].get("series", [])

    def test_the_file_as_it_is_passes_check_config(self):
        # Its log file lives in /etc/data_monitoring, which the script's users
        # have; make it for the check when this machine has not.
        made = False
        if not os.path.isdir("/etc/data_monitoring"):
            try:
                os.mkdir("/etc/data_monitoring")
                made = True
            except OSError:
                self.skipTest("cannot create /etc/data_monitoring here")
        try:
            r = subprocess.run([harness.binary(), "--config.file=" + FIXTURE,
                                "--check-config"],
                               capture_output=True, text=True, timeout=30)
        finally:
            if made:
                os.rmdir("/etc/data_monitoring")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_the_scripts_query_returns_its_rows(self):
        config, cfg = user_config(self.tmp, self.influx.port,
                                  format="system_metrics")
        interval = cfg["collection_interval"]
        sampler = Sampler()
        self.addCleanup(sampler.close)
        time.sleep(1.5)  # readings from before the first cycle
        port = free_port()
        start = time.monotonic()
        exp = Exporter(["--config.file=" + config,
                        "--web.listen-address=127.0.0.1:%d" % port], port)
        self.addCleanup(exp.stop)

        def rows():
            series = self.query("SELECT * FROM system_metrics LIMIT 10")
            if not series:
                return None
            cols = series[0]["columns"]
            got = [dict(zip(cols, v)) for v in series[0]["values"]]
            return got if {r["metric"] for r in got} >= {
                "cpu", "memory", "disk", "network"} else None
        got = wait_for("rows for cpu, memory, disk and network", rows,
                       timeout=2 * interval + 5)
        took = time.monotonic() - start
        print("\nscript's query: %d rows after %.1f s (interval %d s)"
              % (len(got), took, interval))
        self.assertLessEqual(took, 2 * interval + 5)
        for r in got:
            self.assertEqual(r["host"], exp_host(), r)
        # Every point, compared with what this test read at the same moment.
        series = self.query("SELECT * FROM system_metrics")
        cols = series[0]["columns"]
        points = [dict(zip(cols, v)) for v in series[0]["values"]]
        by_metric = {}
        for p in points:
            by_metric.setdefault(p["metric"], []).append(p)
        for p in by_metric["memory"]:
            t = p["time"] / 1000
            self.assertAlmostEqual(p["value"], sampler.nearest(t)[2]["memory"],
                                   delta=0.5, msg=p)
        for p in by_metric["disk"]:
            t = p["time"] / 1000
            self.assertAlmostEqual(p["value"], sampler.nearest(t)[2]["disk"],
                                   delta=0.5, msg=p)
        for p in by_metric["network"]:
            t = p["time"] / 1000
            # Read by the cycle that ended at t: between a reading taken
            # before the cycle began (it lasts well under a second) and one
            # taken after it ended.
            lo, hi = sampler.before(t - 1.0)[2]["net"], sampler.after(t)[2]["net"]
            self.assertTrue(lo[0] <= p["bytes_sent"] <= hi[0], (p, lo, hi))
            self.assertTrue(lo[1] <= p["bytes_recv"] <= hi[1], (p, lo, hi))
        for p in by_metric["cpu"]:
            # Over the cycle: from the previous cycle's end to this one's.
            t = p["time"] / 1000
            a = sampler.nearest(t - interval)[2]["cpu"]
            b = sampler.nearest(t)[2]["cpu"]
            expected = (b[1] - a[1]) / (b[0] - a[0]) * 100
            self.assertAlmostEqual(p["value"], expected, delta=5, msg=p)
        # The inline password in a file others can read: the same warning
        # as for every inline secret, naming the script's key.
        with open(cfg["logging"]["log_file"], errors="replace") as f:
            self.assertRegex(f.read(), r"level=warn msg=\"file .*config_data_"
                             r"processing.json holding database.auth.password "
                             r"\(inline\) is readable by other users")
        print("compared with /proc: %s" % ", ".join(
            "%s %d" % (m, len(v)) for m, v in sorted(by_metric.items())))

    def test_sigterm_sends_what_is_buffered(self):
        # A flush interval far beyond the run: every point waits in memory
        # until the stop, which must send it.
        config, cfg = user_config(self.tmp, self.influx.port,
                                  format="system_metrics", flush_interval=3600)
        cfg["collection_interval"] = 1
        with open(config, "w") as f:
            json.dump(cfg, f, indent=4)
        port = free_port()
        exp = Exporter(["--config.file=" + config,
                        "--web.listen-address=127.0.0.1:%d" % port], port)
        self.addCleanup(exp.stop)
        time.sleep(3.5)
        self.assertEqual(self.query("SELECT * FROM system_metrics"), [],
                         "sent before the stop: the flush interval was ignored")
        last = time.time()
        exp.proc.send_signal(signal.SIGTERM)
        self.assertEqual(exp.proc.wait(10), 0)
        series = self.query("SELECT * FROM system_metrics")
        self.assertTrue(series, "nothing reached InfluxDB on SIGTERM")
        cols = series[0]["columns"]
        points = [dict(zip(cols, v)) for v in series[0]["values"]]
        memory = sorted(p["time"] for p in points if p["metric"] == "memory")
        # One point per cycle, the last one from just before the stop.
        self.assertGreaterEqual(len(memory), 3, memory)
        self.assertEqual(len(memory), len(set(memory)))
        self.assertLess(abs(memory[-1] / 1000 - last), 1.5, memory)
        print("\nSIGTERM: %d cycles buffered, all in InfluxDB" % len(memory))


def exp_host():
    import socket
    return socket.gethostname()


if __name__ == "__main__":
    harness.main()
