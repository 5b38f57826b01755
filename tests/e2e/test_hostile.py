"""Hostile clients against the live binary on loopback, bounded in count and
time: malformed and oversized requests, slow clients, a connection flood,
many concurrent scrapes. The process must answer, not crash, and keep its
memory flat."""
import socket
import threading
import time
import unittest

import harness
from harness import Exporter, fixture_flags, free_port, request

BASE = fixture_flags() + ["--collection.interval=1h"]


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def raw(port, data, timeout=5.0):
    """Sends raw bytes, returns the status code (0 if the server closed)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        try:
            s.sendall(data)
        except OSError:
            pass
        buf = b""
        try:
            while b"\r\n" not in buf:
                chunk = s.recv(4096)
                if not chunk:
                    break
                buf += chunk
        except (socket.timeout, ConnectionResetError):
            return 0
    try:
        return int(buf.split()[1])
    except (IndexError, ValueError):
        return 0


class HostileTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.port = free_port()
        cls.exp = Exporter(BASE + ["--web.listen-address=127.0.0.1:%d" % cls.port], cls.port)

    @classmethod
    def tearDownClass(cls):
        cls.exp.stop()

    def alive(self):
        self.assertIsNone(self.exp.proc.poll(), self.exp.output())
        self.assertEqual(request("127.0.0.1", self.port, "GET", "/-/healthy")[0], 200)

    def test_malformed_requests_get_4xx(self):
        cases = [
            b"GARBAGE\r\n\r\n",
            b"GET\r\n\r\n",
            b"GET /metrics HTTP/9.9\r\n\r\n",
            b"FOO /metrics HTTP/1.1\r\nHost: x\r\n\r\n",
            b"GET /%zz%%% HTTP/1.1\r\nHost: x\r\n\r\n",
            b"GET /metrics HTTP/1.1\r\nBad Header Line\r\n\r\n",
            b"GET /metrics HTTP/1.1\r\nX: " + b"a" * 100 * 1024 + b"\r\n\r\n",
            b"GET /" + b"a" * 20000 + b" HTTP/1.1\r\n\r\n",
            b"\x00\x01\x02\xff\r\n\r\n",
            b"POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n\r\nabc",
        ]
        before = rss_kb(self.exp.proc.pid)
        for _ in range(20):
            for c in cases:
                status = raw(self.port, c)
                self.assertTrue(status == 0 or 400 <= status < 500 or status == 505,
                                "%r... got %d" % (c[:40], status))
        self.alive()
        after = rss_kb(self.exp.proc.pid)
        print("\nhostile: RSS %d kB before, %d kB after %d malformed requests" %
              (before, after, 20 * len(cases)))
        self.assertLess(after - before, 8 * 1024, "RSS grew by more than 8 MB")

    def test_huge_content_length_refused(self):
        # CivetWeb added it to the request length: a signed overflow (UBSan).
        for length in (b"9223372036854775807", b"9223372036854775806",
                       b"99999999999999999999", b"1099511627777"):
            status = raw(self.port, b"GET /metrics HTTP/1.1\r\nHost: x\r\n"
                         b"Content-Length: " + length + b"\r\n\r\n")
            self.assertEqual(status, 413, length)
        self.alive()
        self.assertNotIn("runtime error", self.exp.output())

    def test_absolute_form_served(self):
        # RFC 9112 3.2.2: a server accepts an absolute-form target; its
        # authority need not be ours (a proxy or a port mapping in between).
        for target in ("http://127.0.0.1:%d/metrics" % self.port,
                       "http://otherhost:9100/metrics", "http://otherhost/metrics"):
            with socket.create_connection(("127.0.0.1", self.port), timeout=5) as s:
                s.sendall(b"GET " + target.encode() +
                          b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                status, _, body = harness.read_response(s)
                while True:
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    body += chunk
            self.assertEqual(status, 200, target)
            self.assertIn(b"node_load1", body, target)

    def test_encoded_bytes_do_not_reach_metrics(self):
        # A decoded NUL ended CivetWeb's C string: /metrics%00.html was
        # /metrics; an encoded "." was removed as a dot segment.
        for path in ("/metrics%00.html", "/metrics%00", "/%00", "/metrics%2e",
                     "/metrics%2E%2E", "/metrics%2f"):
            status, _, body = request("127.0.0.1", self.port, "GET", path)
            self.assertEqual(status, 404, path)
            self.assertNotIn(b"node_load1", body, path)
        # Encoded letters still decode, as in Go.
        self.assertEqual(request("127.0.0.1", self.port, "GET", "/%6detrics")[0], 200)

    def test_slow_clients_do_not_starve_a_scrape(self):
        # 63 clients that send half a request (before the connection gate they
        # held 63 of CivetWeb's 64 worker threads).
        slow = []
        for _ in range(63):
            s = socket.create_connection(("127.0.0.1", self.port))
            s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n")
            slow.append(s)
        try:
            time.sleep(0.2)
            worst = 0.0
            for _ in range(20):
                start = time.monotonic()
                status, _, _ = request("127.0.0.1", self.port, "GET", "/metrics")
                worst = max(worst, time.monotonic() - start)
                self.assertEqual(status, 200)
            print("\nhostile: slowest of 20 scrapes with 63 half-open clients: %.1f ms" %
                  (worst * 1000))
            self.assertLess(worst, 0.1)
        finally:
            for s in slow:
                s.close()

    def test_connection_flood(self):
        opened = 0
        socks = []
        try:
            for _ in range(3000):
                try:
                    s = socket.socket()
                    s.setblocking(False)
                    s.connect_ex(("127.0.0.1", self.port))
                    socks.append(s)
                    opened += 1
                except OSError:
                    break
        finally:
            for s in socks:
                s.close()
        self.assertGreater(opened, 1000)
        deadline = time.monotonic() + 15
        while True:
            try:
                self.alive()
                break
            except (OSError, AssertionError):
                self.assertIsNone(self.exp.proc.poll(), "process died in the flood")
                self.assertLess(time.monotonic(), deadline)
                time.sleep(0.2)

    def test_200_concurrent_scrapes(self):
        results, lock = [], threading.Lock()

        def one():
            start = time.monotonic()
            try:
                status = request("127.0.0.1", self.port, "GET", "/metrics", timeout=30)[0]
            except OSError:
                status = 0
            with lock:
                results.append((status, time.monotonic() - start))

        threads = [threading.Thread(target=one) for _ in range(200)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        statuses = [s for s, _ in results]
        times = sorted(t for _, t in results)
        p99 = times[int(len(times) * 0.99) - 1]
        print("\nhostile: 200 concurrent scrapes: %d x 200, %d x 503, p99 %.1f ms" %
              (statuses.count(200), statuses.count(503), p99 * 1000))
        self.assertEqual(len(results), 200)
        # Every request is answered: served, or refused at once over the limit.
        self.assertEqual(statuses.count(200) + statuses.count(503), 200, statuses)
        self.assertGreaterEqual(statuses.count(200), 40)


if __name__ == "__main__":
    harness.main()
