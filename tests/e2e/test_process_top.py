"""The process_top collector on this host's live /proc: a busy child shows up
in the top-N by CPU with its pid and comm, its command-name group counts it,
and its series go from the next snapshot once it has exited. The same series
reach a push sink (InfluxDB line protocol to a loopback receiver)."""
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unittest

import harness
from harness import Exporter, free_port, scrape_series, wait_for

COMM = "hetopbusy"
FLAGS = ["--collector.disable-defaults", "--collector.process_top",
         "--collection.interval=500ms",
         # Other builds may share this machine: a wide top keeps the busy
         # child in it while compilers run.
         "--collector.process_top.top=40"]

# A CPU-bound child with its own comm (prctl PR_SET_NAME = 15).
BUSY = ("import ctypes, sys\n"
        "ctypes.CDLL(None).prctl(15, %r, 0, 0, 0)\n"
        "sys.stdout.write('ready\\n'); sys.stdout.flush()\n"
        "while True:\n    pass\n" % COMM.encode())


def spawn_busy(test):
    """The busy child, killed and reaped when the test ends."""
    p = subprocess.Popen([sys.executable, "-c", BUSY], stdout=subprocess.PIPE)
    test.addCleanup(p.stdout.close)
    test.addCleanup(p.wait, 10)
    test.addCleanup(p.kill)
    assert p.stdout.readline().strip() == b"ready"
    return p


def series_of(series, name, **labels):
    """[(labels as a dict, value)] of the series `name` with these labels."""
    out = []
    for (n, ls), v in series.items():
        d = dict(ls)
        if n == name and all(d.get(k) == val for k, val in labels.items()):
            out.append((d, v))
    return out


class ProcessTopLiveTest(unittest.TestCase):
    def test_busy_child_enters_the_top_and_leaves_when_it_exits(self):
        port = free_port()
        exp = Exporter(FLAGS + ["--web.listen-address=127.0.0.1:%d" % port], port)
        self.addCleanup(exp.stop)
        busy = spawn_busy(self)
        pid = str(busy.pid)

        def in_top():
            s = scrape_series(port)
            return series_of(s, "host_process_top_cpu_ratio", pid=pid, comm=COMM) and s

        s = wait_for("the busy child in the CPU top-N", in_top, timeout=20)
        ((_, ratio),) = series_of(s, "host_process_top_cpu_ratio", pid=pid)
        self.assertGreater(ratio, 0.0)
        self.assertLessEqual(ratio, os.cpu_count() + 0.5)
        ((_, n),) = series_of(s, "host_process_comm_processes", comm=COMM)
        self.assertEqual(n, 1)
        self.assertLessEqual(len(series_of(s, "host_process_top_cpu_ratio")), 40)
        # Its group's CPU counter grows while it runs.
        c0 = sum(v for _, v in series_of(s, "host_process_comm_cpu_seconds_total", comm=COMM))
        wait_for("the group's CPU counter to grow", lambda: sum(
            v for _, v in series_of(scrape_series(port), "host_process_comm_cpu_seconds_total",
                                    comm=COMM)) > c0, timeout=10)
        # pid labels only in the top-N families.
        for (name, labels), _ in s.items():
            if "pid" in dict(labels):
                self.assertTrue(name.startswith("host_process_top_"), name)

        busy.kill()
        busy.wait(timeout=10)

        def gone():
            s = scrape_series(port)
            return not [n for (n, ls) in s
                        if ("pid", pid) in ls or ("comm", COMM) in ls]

        wait_for("the exited child's series to go", gone, timeout=10)


class Capture(http.server.BaseHTTPRequestHandler):
    bodies = []

    def do_POST(self):
        n = int(self.headers.get("Content-Length", 0))
        Capture.bodies.append(self.rfile.read(n).decode(errors="replace"))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *a):
        pass


class ProcessTopPushTest(unittest.TestCase):
    def test_series_reach_the_influxdb_sink(self):
        srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Capture)
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        self.addCleanup(srv.server_close)
        self.addCleanup(srv.shutdown)
        tmp = tempfile.mkdtemp(prefix="ptop-")
        self.addCleanup(shutil.rmtree, tmp, True)
        config = os.path.join(tmp, "config.json")
        with open(config, "w") as f:
            json.dump({"database": {"type": "influxdb", "url": "http://127.0.0.1:%d/write?db=x"
                                    % srv.server_address[1]}}, f)
        port = free_port()
        busy = spawn_busy(self)
        exp = Exporter(FLAGS + ["--config.file=" + config,
                                "--web.listen-address=127.0.0.1:%d" % port], port)
        self.addCleanup(exp.stop)

        def pushed():
            text = "\n".join(Capture.bodies)
            return ("host_process_top_cpu_ratio" in text and "pid=%d" % busy.pid in text
                    and "host_process_comm_cpu_seconds_total" in text
                    and "host_process_unit_processes" in text) and text

        wait_for("process_top series in the pushed line protocol", pushed, timeout=20)


if __name__ == "__main__":
    harness.main()
