"""Idle, slowloris and idle keep-alive connections (bounded: 400 in all, from
several 127.0.0.x addresses, for a few seconds) must not delay a scrape, on
plain HTTP and on TLS; the exporter's fds return to their baseline after.

Before the connection gate (src/http/gate.h) each of these held one of
CivetWeb's 64 worker threads and a scrape waited 5 to 15 s."""
import os
import shutil
import socket
import ssl
import threading
import time
import unittest

import harness
from harness import Exporter, fixture_flags, free_port, read_response, request, send_request

BASE = fixture_flags() + ["--collection.interval=1h", "--collector.disable-defaults",
                          "--collector.loadavg"]
SOURCES = ["127.0.0.%d" % i for i in range(2, 10)]
IDLE, SLOW, KEEPALIVE = 250, 100, 50
SCRAPES = 30
BOUND_S = 2.0  # generous for a loaded CI machine; the bench measures p99


def fds(pid):
    return len(os.listdir("/proc/%d/fd" % pid))


def connect(port, i):
    s = socket.socket()
    s.settimeout(5)
    s.bind((SOURCES[i % len(SOURCES)], 0))
    s.connect(("127.0.0.1", port))
    return s


class Attack:
    """Opens the hostile connections; a thread drips a byte into each slow
    one every 0.5 s until stop()."""

    def __init__(self, port, tls_context=None):
        self.socks = []
        self.slow = []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.drip)
        try:
            self.open(port, tls_context)
        except BaseException:
            self.stop()
            raise
        self.thread.start()

    def open(self, port, tls_context):
        for i in range(KEEPALIVE):
            # One request answered, then silence on a kept-alive connection.
            s = connect(port, i)
            if tls_context is not None:
                s = tls_context.wrap_socket(s, server_hostname="127.0.0.1")
            self.socks.append(s)
            send_request(s, "127.0.0.1", "GET", "/-/healthy")
            status, _, _ = read_response(s)
            assert status == 200, status
        for i in range(IDLE):
            self.socks.append(connect(port, i))  # sends nothing
        for i in range(SLOW):
            s = connect(port, i)
            if tls_context is not None and i % 2 == 0:
                # Half a ClientHello record: the handshake never completes.
                s.sendall(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03")
                self.socks.append(s)
                continue
            if tls_context is not None:
                s = tls_context.wrap_socket(s, server_hostname="127.0.0.1")
            s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n")
            self.slow.append(s)
            self.socks.append(s)

    def drip(self):
        while not self.stopping.wait(0.5):
            for s in self.slow:
                try:
                    s.sendall(b"X")
                except OSError:
                    pass

    def stop(self):
        self.stopping.set()
        if self.thread.is_alive():
            self.thread.join()
        for s in self.socks:
            s.close()


class IdleClientsTest(unittest.TestCase):
    def check(self, exp, scrape, tls_context=None):
        pid = exp.proc.pid
        scrape()  # warm
        baseline = fds(pid)
        try:
            attack = Attack(exp.port, tls_context)
        except OSError as e:  # a handshake or a request timed out
            self.fail("starved while the attack's connections were opened: %r" % e)
        try:
            time.sleep(0.3)
            times = []
            for _ in range(SCRAPES):
                start = time.monotonic()
                try:
                    status = scrape()
                except OSError as e:
                    status = repr(e)
                took = time.monotonic() - start
                times.append(took)
                self.assertEqual(status, 200, "scrape during the attack")
                self.assertLess(took, BOUND_S, "a scrape took %.2f s" % took)
        finally:
            attack.stop()
        times.sort()
        print("\nidle clients (%s): %d scrapes with %d idle + %d slow + %d keep-alive "
              "connections: p50 %.1f ms, max %.1f ms" %
              ("TLS" if tls_context else "plain", SCRAPES, IDLE, SLOW, KEEPALIVE,
               times[len(times) // 2] * 1000, times[-1] * 1000))
        # The exporter notices the closed connections and lets them go.
        harness.wait_for("fds back to baseline %d (now %d)" % (baseline, fds(pid)),
                         lambda: fds(pid) <= baseline, timeout=10)
        self.assertIsNone(exp.proc.poll())
        self.assertNotIn("runtime error", exp.output())

    def test_plain(self):
        port = free_port()
        with Exporter(BASE + ["--web.listen-address=127.0.0.1:%d" % port], port) as exp:
            self.check(exp, lambda: request("127.0.0.1", port, "GET", "/metrics",
                                            timeout=BOUND_S * 2)[0])

    @unittest.skipUnless(shutil.which("openssl"), "openssl is needed")
    def test_tls(self):
        from test_web import Pki
        pki = Pki()
        self.addCleanup(pki.cleanup)
        web = pki.p("web.yml")
        with open(web, "w") as f:
            f.write("tls_server_config:\n  cert_file: %s\n  key_file: %s\n" %
                    (pki.p("server.crt"), pki.p("server.key")))
        ctx = ssl.create_default_context(cafile=pki.p("ca.crt"))
        port = free_port()

        def scrape():
            with socket.create_connection(("127.0.0.1", port), timeout=BOUND_S * 2) as raw:
                with ctx.wrap_socket(raw, server_hostname="127.0.0.1") as s:
                    send_request(s, "127.0.0.1", "GET", "/metrics", close=True)
                    status, hdrs, rest = read_response(s)
                    length = int(hdrs.get("content-length", "0"))
                    while len(rest) < length:
                        chunk = s.recv(65536)
                        if not chunk:
                            break
                        rest += chunk
                    return status if len(rest) == length else "short body"

        exp = Exporter(BASE + ["--web.listen-address=127.0.0.1:%d" % port,
                               "--web.config.file=" + web], port, wait_ready=False)
        self.addCleanup(exp.stop)
        harness.wait_for("TLS scrape", lambda: self.try_scrape(scrape), timeout=15)
        self.check(exp, scrape, ctx)

    def test_clients_that_do_not_read(self):
        # 80 clients pipeline 20 scrapes each and read nothing (a 4 KiB
        # receive buffer): the answers they do not take are finished by the
        # gate, not by workers blocked writing (8 workers; 64 before the gate).
        port = free_port()
        with Exporter(BASE + ["--web.listen-address=127.0.0.1:%d" % port], port) as exp:
            pid = exp.proc.pid
            baseline = fds(pid)
            socks = []
            try:
                for i in range(80):
                    s = socket.socket()
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
                    s.settimeout(5)
                    s.bind((SOURCES[i % len(SOURCES)], 0))
                    s.connect(("127.0.0.1", port))
                    s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n" * 20)
                    socks.append(s)
                time.sleep(0.5)
                worst = 0.0
                for _ in range(10):
                    start = time.monotonic()
                    try:
                        status = request("127.0.0.1", port, "GET", "/metrics",
                                         timeout=BOUND_S * 2)[0]
                    except OSError as e:
                        status = repr(e)
                    worst = max(worst, time.monotonic() - start)
                    self.assertEqual(status, 200)
                    self.assertLess(worst, BOUND_S)
                # A slow reader still gets whole answers when it reads.
                data = b""
                while data.count(b"HTTP/1.1 200") < 2:
                    chunk = socks[-1].recv(65536)
                    self.assertTrue(chunk, "closed before two answers")
                    data += chunk
                print("\nidle clients: 10 scrapes with 80 clients not reading: max %.1f ms"
                      % (worst * 1000))
            finally:
                for s in socks:
                    s.close()
            harness.wait_for("fds back to baseline", lambda: fds(pid) <= baseline,
                             timeout=10)

    @unittest.skipUnless(shutil.which("prlimit"), "prlimit (util-linux) is needed")
    def test_waiting_connections_capped(self):
        # With 256 open files the gate keeps at most 128 connections waiting:
        # beyond, the one waiting longest is closed, and a scrape (the newest
        # connection) is still answered. prlimit execs the exporter: same pid.
        port = free_port()
        exp = Exporter(["--nofile=256:256", harness.binary()] + BASE +
                       ["--web.listen-address=127.0.0.1:%d" % port], port, exe="prlimit")
        self.addCleanup(exp.stop)
        pid = exp.proc.pid
        baseline = fds(pid)
        socks = [connect(port, i) for i in range(300)]
        try:
            time.sleep(0.5)
            self.assertEqual(request("127.0.0.1", port, "GET", "/metrics", timeout=5)[0], 200)
            self.assertLessEqual(fds(pid), baseline + 128 + 2)
            closed = []
            for s in socks:
                s.setblocking(False)
                try:
                    closed.append(s.recv(1) == b"")
                except BlockingIOError:
                    closed.append(False)
                except OSError:
                    closed.append(True)
            self.assertGreaterEqual(sum(closed), 300 - 128)
            self.assertTrue(closed[0], "the oldest connection is the one closed")
            self.assertFalse(closed[-1], "the newest connection still waits")
        finally:
            for s in socks:
                s.close()
        harness.wait_for("fds back to baseline", lambda: fds(pid) <= baseline, timeout=10)

    @staticmethod
    def try_scrape(scrape):
        try:
            return scrape() == 200
        except OSError:
            return False


if __name__ == "__main__":
    harness.main()
