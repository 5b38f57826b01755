"""The live binary on loopback: HTTP behaviour, flags, config, signals."""
import contextlib
import gzip
import json
import os
import signal
import socket
import subprocess
import tempfile
import time
import unittest

import harness
from harness import Exporter, fixture_flags, free_port, request, read_response, send_request

# A long interval keeps one snapshot for the whole test, so bodies compare.
BASE = fixture_flags() + ["--collection.interval=1h", "--collector.disable-defaults",
                          "--collector.loadavg", "--collector.cpu", "--collector.meminfo"]


@contextlib.contextmanager
def started_by_systemd(environment=""):
    """The exporter as systemd starts a Type=notify unit, cycling every 100 ms:
    $NOTIFY_SOCKET names a datagram socket of the test, in systemd's place (no
    systemd runs here); `environment` adds variables, $$ being the exporter's
    PID (exec keeps the shell's). Yields the process and the socket."""
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "notify")
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        sock.bind(path)
        sock.settimeout(15)
        cmd = ('NOTIFY_SOCKET=%s %s exec "$0" --web.listen-address=127.0.0.1:%d '
               '--collector.disable-defaults --collector.loadavg '
               '--collection.interval=100ms' % (path, environment, free_port()))
        p = subprocess.Popen(["sh", "-c", cmd, harness.binary()],
                             stderr=subprocess.DEVNULL)
        try:
            yield p, sock
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
            sock.close()


class HttpTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.port = free_port()
        cls.exp = Exporter(BASE + ["--web.listen-address=127.0.0.1:%d" % cls.port],
                           cls.port)

    @classmethod
    def tearDownClass(cls):
        cls.exp.stop()

    def get(self, path, method="GET", headers=None, body=b""):
        return request("127.0.0.1", self.port, method, path, headers, body)

    def test_metrics_headers_and_body(self):
        status, h, body = self.get("/metrics")
        self.assertEqual(status, 200)
        # As node_exporter 1.9 (client_golang) answers a client without Accept.
        self.assertEqual(h["content-type"],
                         "text/plain; version=0.0.4; charset=utf-8; escaping=underscores")
        self.assertEqual(int(h["content-length"]), len(body))
        self.assertNotIn("content-encoding", h)
        text = body.decode()
        self.assertIn("node_load1 0.21\n", text)
        self.assertIn('node_scrape_collector_success{collector="loadavg"} 1\n', text)
        self.assertIn("host_exporter_build_info{", text)

    def test_threads_are_named_for_what_they_do(self):
        # `top -H` and `ps -T` show what each thread is; only the main thread
        # keeps the program's name.
        self.get("/metrics")
        task = "/proc/%d/task" % self.exp.pid
        names = []
        for tid in os.listdir(task):
            with open(os.path.join(task, tid, "comm")) as f:
                names.append(f.read().strip())
        with open("/proc/%d/comm" % self.exp.pid) as f:
            main = f.read().strip()
        self.assertEqual(names.count(main), 1, names)
        for name in ("scheduler", "collector", "http-gate", "civetweb-master",
                     "civetweb-worker"):
            self.assertIn(name, names)

    def test_gzip_round_trip(self):
        _, _, plain = self.get("/metrics")
        status, h, zipped = self.get("/metrics", headers={"Accept-Encoding": "gzip"})
        self.assertEqual(status, 200)
        self.assertEqual(h["content-encoding"], "gzip")
        self.assertEqual(int(h["content-length"]), len(zipped))
        self.assertLess(len(zipped), len(plain))
        self.assertEqual(gzip.decompress(zipped), plain)
        _, h, _ = self.get("/metrics", headers={"Accept-Encoding": "gzip;q=0"})
        self.assertNotIn("content-encoding", h)

    def test_head_has_length_and_no_body(self):
        _, _, plain = self.get("/metrics")
        with socket.create_connection(("127.0.0.1", self.port), timeout=5) as s:
            send_request(s, "127.0.0.1", "HEAD", "/metrics")
            status, h, rest = read_response(s)
            self.assertEqual(status, 200)
            self.assertEqual(int(h["content-length"]), len(plain))
            self.assertEqual(rest, b"")
            # The connection stays usable: the next response starts cleanly.
            send_request(s, "127.0.0.1", "GET", "/-/healthy")
            status, _, _ = read_response(s)
            self.assertEqual(status, 200)

    def test_keep_alive_serves_several_requests_on_one_connection(self):
        with socket.create_connection(("127.0.0.1", self.port), timeout=5) as s:
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            bodies = []
            for _ in range(3):
                send_request(s, "127.0.0.1", "GET", "/metrics")
                status, h, rest = read_response(s)
                self.assertEqual(status, 200)
                self.assertEqual(h["connection"], "keep-alive")
                length = int(h["content-length"])
                while len(rest) < length:
                    rest += s.recv(65536)
                bodies.append(rest)
            self.assertEqual(bodies[0], bodies[2])

    def test_idle_keep_alive_connection_outlasts_a_scrape_interval(self):
        # Prometheus keeps an idle connection 5 min and scrapes on it again;
        # closing it sooner costs each scrape a new connection (on TLS, a
        # handshake). 6 s is past what the gate allowed before (5 s).
        with socket.create_connection(("127.0.0.1", self.port), timeout=5) as s:
            for i in range(2):
                if i:
                    time.sleep(6)
                send_request(s, "127.0.0.1", "GET", "/metrics")
                status, h, rest = read_response(s)
                self.assertEqual(status, 200)
                length = int(h["content-length"])
                while len(rest) < length:
                    chunk = s.recv(65536)
                    self.assertTrue(chunk)
                    rest += chunk

    def test_status_codes(self):
        self.assertEqual(self.get("/-/healthy")[0], 200)
        self.assertEqual(self.get("/-/ready")[0], 200)
        status, h, body = self.get("/")
        self.assertEqual(status, 200)
        self.assertTrue(h["content-type"].startswith("text/html"))
        self.assertIn(b'href="./metrics"', body)
        self.assertEqual(self.get("/nope")[0], 404)
        self.assertEqual(self.get("/metrics/extra")[0], 404)
        status, h, _ = self.get("/metrics", method="POST", body=b"x=1")
        self.assertEqual(status, 405)
        self.assertEqual(h["allow"], "GET, HEAD")
        self.assertEqual(self.get("/metrics", method="DELETE")[0], 405)

    def test_query_string_is_ignored(self):
        self.assertEqual(self.get("/metrics?collect[]=cpu")[0], 200)

    def test_oversized_request_is_rejected_and_server_lives(self):
        status, _, _ = self.get("/metrics", headers={"X-Big": "a" * 20000})
        self.assertGreaterEqual(status, 400)
        self.assertLess(status, 500)
        self.assertEqual(self.get("/-/healthy")[0], 200)


class ListenTest(unittest.TestCase):
    def test_ipv6_loopback(self):
        port = free_port()
        with Exporter(BASE + ["--web.listen-address=[::1]:%d" % port], port,
                      wait_ready=False) as exp:
            def scrape_v6():
                status, _, body = request("::1", port, "GET", "/metrics",
                                          family=socket.AF_INET6)
                return body if status == 200 else None
            body = exp.wait("HTTP 200 on [::1]:%d/metrics" % port, scrape_v6, 10)
            self.assertIn(b"node_load1", body)

    def test_port_only_listens_on_ipv4_and_ipv6(self):
        port = free_port()
        with Exporter(BASE + ["--web.listen-address=:%d" % port], port):
            self.assertEqual(request("127.0.0.1", port, "GET", "/-/healthy")[0], 200)
            self.assertEqual(request("::1", port, "GET", "/-/healthy",
                                     family=socket.AF_INET6)[0], 200)

    def test_two_listen_addresses(self):
        p1, p2 = free_port(), free_port()
        with Exporter(BASE + ["--web.listen-address=127.0.0.1:%d" % p1,
                              "--web.listen-address=127.0.0.1:%d" % p2], p1):
            self.assertEqual(request("127.0.0.1", p2, "GET", "/-/healthy")[0], 200)

    def test_busy_port_fails_fast_naming_the_address(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            s.listen()
            port = s.getsockname()[1]
            start = time.monotonic()
            r = subprocess.run([harness.binary()] + BASE +
                               ["--web.listen-address=127.0.0.1:%d" % port],
                               capture_output=True, text=True, timeout=10)
            elapsed = time.monotonic() - start
        self.assertNotEqual(r.returncode, 0)
        self.assertLess(elapsed, 2.0)
        self.assertIn("127.0.0.1:%d" % port, r.stderr)

    def test_custom_telemetry_path(self):
        port = free_port()
        with Exporter(BASE + ["--web.listen-address=127.0.0.1:%d" % port,
                              "--web.telemetry-path=/x/metrics"], port):
            self.assertEqual(request("127.0.0.1", port, "GET", "/x/metrics")[0], 200)
            self.assertEqual(request("127.0.0.1", port, "GET", "/metrics")[0], 404)


def run(args, **kw):
    return subprocess.run([harness.binary()] + args, capture_output=True, text=True,
                          timeout=20, **kw)


class FlagsAndConfigTest(unittest.TestCase):
    def write(self, text, suffix=".json"):
        f = tempfile.NamedTemporaryFile("w", suffix=suffix, delete=False)
        f.write(text)
        f.close()
        self.addCleanup(os.unlink, f.name)
        return f.name

    def test_version_and_help(self):
        r = run(["--version"])
        self.assertEqual(r.returncode, 0)
        self.assertTrue(r.stdout.startswith("host_exporter, version "))
        # A build of this tree names its commit of build time, also when the
        # build directory was configured at an older one.
        exe = os.path.realpath(harness.binary())
        head = subprocess.run(["git", "-C", harness.SOURCE_ROOT, "rev-parse", "--short=12",
                               "HEAD"], capture_output=True, text=True)
        if exe.startswith(os.path.realpath(harness.SOURCE_ROOT) + os.sep) and \
                head.returncode == 0:
            self.assertIn("(revision: %s," % head.stdout.strip(), r.stdout)
        r = run(["--help"])
        self.assertEqual(r.returncode, 0)
        for flag in ["--web.listen-address", "--web.telemetry-path", "--path.procfs",
                     "--collector.disable-defaults", "--no-collector.cpu",
                     "--collector.filesystem.mount-points-exclude",
                     "--collection.interval", "--collector.timeout", "--config.file",
                     "--check-config", "--once", "--log.level", "--log.format"]:
            self.assertIn(flag, r.stdout)

    def test_bad_flag(self):
        r = run(["--no-such-flag"])
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("--no-such-flag", r.stderr)
        r = run(["--log.level=loud"])
        self.assertEqual(r.returncode, 1)
        self.assertIn("flag --log.level", r.stderr)
        r = run(["--collector.filesystem.mount-points-exclude=("])
        self.assertEqual(r.returncode, 1)
        self.assertIn("--collector.filesystem.mount-points-exclude", r.stderr)
        r = run(["--web.listen-address=nonsense"])
        self.assertEqual(r.returncode, 1)
        self.assertIn('flag --web.listen-address: expected [host]:port such as ":9100" '
                      'or "127.0.0.1:9100", got "nonsense"', r.stderr)

    def test_empty_flag_value_is_a_value(self):
        # node_exporter accepts "--flag=" as an empty value: an empty netstat
        # field filter matches every field.
        default = run(["--once"] + harness.fixture_flags())
        empty = run(["--once", "--collector.netstat.fields="] + harness.fixture_flags())
        self.assertEqual(empty.returncode, 0, empty.stderr)
        count = lambda out: len([l for l in out.splitlines() if l.startswith("node_netstat_")])
        self.assertGreater(count(empty.stdout), count(default.stdout))
        r = run(["--web.listen-address="])
        self.assertEqual(r.returncode, 1)
        self.assertIn('flag --web.listen-address: expected [host]:port', r.stderr)

    def test_warns_when_the_interval_outlasts_the_systemd_watchdog(self):
        # sd_watchdog_enabled() reads WATCHDOG_USEC for the process named by
        # WATCHDOG_PID: exec keeps the shell's PID.
        port = harness.free_port()
        cmd = ('WATCHDOG_USEC=30000000 WATCHDOG_PID=$$ exec "$0" '
               '--web.listen-address=127.0.0.1:%d --collector.disable-defaults '
               '--collection.interval=' % port)
        for interval, warned in (("20s", True), ("5s", False)):
            p = subprocess.Popen(["sh", "-c", cmd + interval, harness.binary()],
                                 stderr=subprocess.PIPE, text=True)
            time.sleep(1.0)
            p.send_signal(signal.SIGTERM)
            _, err = p.communicate(timeout=10)
            self.assertEqual("WatchdogSec" in err, warned, err)
            if warned:
                self.assertIn("interval_ms=20000 watchdog_ms=30000", err)

    def test_notifies_the_service_manager(self):
        # Type=notify as systemd sees it: READY=1 after the first cycle,
        # RELOADING=1 and READY=1 around a SIGHUP, STOPPING=1 on SIGTERM. No
        # WATCHDOG_USEC (no WatchdogSec=): no WATCHDOG=1 at all, though
        # cycles come every 100 ms.
        with started_by_systemd() as (p, sock):
            next_state = lambda: sock.recv(256).decode()
            self.assertEqual(next_state(), "READY=1")
            # Ten cycles' time: any datagram now would be a ping.
            sock.settimeout(1.0)
            self.assertRaises(socket.timeout, sock.recv, 256)
            sock.settimeout(15)
            p.send_signal(signal.SIGHUP)
            self.assertEqual(next_state(), "RELOADING=1")
            self.assertEqual(next_state(), "READY=1")
            p.send_signal(signal.SIGTERM)
            self.assertEqual(next_state(), "STOPPING=1")
            self.assertEqual(p.wait(timeout=10), 0)

    def test_pings_the_watchdog_at_half_its_period(self):
        # WatchdogSec=1s as systemd passes it (WATCHDOG_PID names the
        # exporter): WATCHDOG=1 every 500 ms, not with each 100 ms cycle.
        with started_by_systemd("WATCHDOG_USEC=1000000 WATCHDOG_PID=$$") as (p, sock):
            self.assertEqual(sock.recv(256).decode(), "READY=1")
            start = time.monotonic()
            pings = 0
            sock.settimeout(0.2)
            while time.monotonic() - start < 2.0:
                try:
                    m = sock.recv(256).decode()
                except socket.timeout:
                    continue
                self.assertEqual(m, "WATCHDOG=1")
                pings += 1
            # Four in 2 s (20 cycles); a slow machine sends fewer, never one
            # per cycle.
            self.assertGreaterEqual(pings, 1)
            self.assertLessEqual(pings, 6)

    def test_check_config(self):
        good = self.write(json.dumps({
            "collection_interval": 10,
            "metrics": {"cpu": True, "memory": True, "disk": True, "network": True},
            "database": {"type": "influxdb", "url": "http://127.0.0.1:8086",
                         "username": "u", "password": "p"},
            "logging": {"log_file": "/tmp/host_exporter_check.log",
                        "log_level": "INFO"}}, indent=2))
        r = run(["--check-config", "--config.file=" + good])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("configuration OK", r.stdout)
        bad = self.write('{\n  "collection_interval": 10,\n  "metrics": {"gpu": true}\n}\n')
        r = run(["--check-config", "--config.file=" + bad])
        self.assertEqual(r.returncode, 1)
        self.assertIn(bad + ':3: key "metrics.gpu"', r.stderr)
        r = run(["--check-config", "--config.file=/nonexistent.json"])
        self.assertEqual(r.returncode, 1)
        self.assertIn("/nonexistent.json", r.stderr)

    def test_bad_config_stops_start_up(self):
        bad = self.write('{"web.listen-address": 9100}')
        r = run(["--config.file=" + bad])
        self.assertEqual(r.returncode, 1)
        self.assertIn(bad + ':1: key "web.listen-address": expected [host]:port', r.stderr)

    def test_once_prints_exposition(self):
        r = run(["--once"] + BASE)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("node_load1 0.21\n", r.stdout)

    def test_log_file_and_json_format(self):
        log = tempfile.mktemp(suffix=".log")
        self.addCleanup(lambda: os.path.exists(log) and os.unlink(log))
        port = free_port()
        with Exporter(BASE + ["--web.listen-address=127.0.0.1:%d" % port,
                              "--log.file=" + log, "--log.format=json"], port):
            pass
        with open(log) as f:
            lines = [json.loads(l) for l in f if l.strip()]
        self.assertTrue(any(l["msg"] == "Starting host_exporter" for l in lines))
        self.assertEqual(lines[0]["level"], "info")


class SignalsTest(unittest.TestCase):
    def test_sigterm_stops_within_two_seconds(self):
        port = free_port()
        exp = Exporter(BASE + ["--web.listen-address=127.0.0.1:%d" % port], port)
        start = time.monotonic()
        exp.proc.send_signal(signal.SIGTERM)
        rc = exp.proc.wait(10)
        self.assertLess(time.monotonic() - start, 2.0)
        self.assertEqual(rc, 0)
        exp.stop()

    def test_sighup_reloads_and_keeps_old_config_on_error(self):
        cfg = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
        self.addCleanup(os.unlink, cfg.name)
        cfg.write('{"collector.meminfo": false}')
        cfg.close()
        port = free_port()
        # The collector flags of BASE would override the file; use the file.
        with Exporter(harness.fixture_flags() +
                      ["--collection.interval=1h", "--collector.disable-defaults",
                       "--web.listen-address=127.0.0.1:%d" % port,
                       "--config.file=" + cfg.name], port) as exp:
            body = request("127.0.0.1", port, "GET", "/metrics")[2].decode()
            self.assertNotIn("node_memory_MemTotal_bytes", body)
            with open(cfg.name, "w") as f:
                f.write('{"collector.meminfo": true}')
            exp.proc.send_signal(signal.SIGHUP)
            deadline = time.monotonic() + 10
            while "node_memory_MemTotal_bytes" not in body:
                self.assertLess(time.monotonic(), deadline, exp.output())
                time.sleep(0.05)
                body = request("127.0.0.1", port, "GET", "/metrics")[2].decode()
            with open(cfg.name, "w") as f:
                f.write('{"collector.meminfo": "maybe"}')
            exp.proc.send_signal(signal.SIGHUP)
            deadline = time.monotonic() + 10
            while "reload failed" not in exp.output():
                self.assertLess(time.monotonic(), deadline, exp.output())
                time.sleep(0.05)
            self.assertIn(cfg.name + ':1: key \\"collector.meminfo\\"', exp.output())
            self.assertIsNone(exp.proc.poll())
            body = request("127.0.0.1", port, "GET", "/metrics")[2].decode()
            self.assertIn("node_memory_MemTotal_bytes", body)


if __name__ == "__main__":
    harness.main()
