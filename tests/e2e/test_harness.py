"""harness.Server, which every e2e test and the bench start servers with:
readiness (HTTP, TCP, a check), the errors when a server does not come up,
the bounded stop, restart and clean-up. Small Python servers on loopback;
each case takes about a second at most.
"""
import os
import re
import socket
import sys
import tempfile
import unittest

import harness
from harness import Server, free_port

PY = sys.executable


def http_server(port):
    return [PY, "-u", "-m", "http.server", "--bind", "127.0.0.1", str(port)]


def script(code):
    return [PY, "-u", "-c", code]


def gone(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


class ServerTest(unittest.TestCase):
    def test_http_ready_stop_restart_and_close(self):
        port = free_port()
        srv = Server(http_server(port), port, name="pyhttp")
        self.addCleanup(srv.close)
        self.assertEqual(harness.request("127.0.0.1", port, "GET", "/")[0], 200)
        self.assertTrue(os.path.isdir(srv.dir))
        self.assertEqual(srv.stop(), -15)  # SIGTERM
        srv.start()  # same directory, the log goes on
        self.assertEqual(harness.request("127.0.0.1", port, "GET", "/")[0], 200)
        self.assertEqual(srv.output().count('"GET / HTTP/1.1" 200'), 4)
        srv.close()
        self.assertFalse(os.path.exists(srv.dir))
        self.assertTrue(gone(srv.pid))

    def test_tcp_and_check_readiness(self):
        port = free_port()
        with Server(http_server(port), port, ready=None) as srv:
            self.assertTrue(srv.wait("a check", lambda: "Serving HTTP" in srv.output(), 5))
        self.assertFalse(os.path.exists(srv.dir))

    def test_exit_before_ready_names_the_server_and_shows_the_log(self):
        with self.assertRaises(AssertionError) as cm:
            Server(script("import sys; print('no config here'); sys.exit(3)"),
                   name="dies-early")
        msg = str(cm.exception)
        self.assertIn("dies-early exited with 3", msg)
        self.assertIn("no config here", msg)

    def test_not_ready_by_the_deadline_is_stopped_and_removed(self):
        before = set(os.listdir(tempfile.gettempdir()))
        with self.assertRaises(AssertionError) as cm:
            Server(script("import os, time; print('pid', os.getpid()); time.sleep(60)"),
                   name="never-ready", ready="/-/ready", timeout=1.0)
        msg = str(cm.exception)
        self.assertIn("never-ready on :", msg)
        self.assertIn("timed out after 1 s waiting for HTTP 200 on /-/ready", msg)
        pid = int(re.search(r"pid (\d+)", msg).group(1))
        self.assertTrue(gone(pid), "the server that never got ready still runs")
        self.assertEqual([d for d in set(os.listdir(tempfile.gettempdir())) - before
                          if d.startswith("never-ready-")], [])

    def test_sigterm_ignored_ends_with_sigkill_after_the_bound(self):
        srv = Server(script("import signal, time\n"
                            "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
                            "print('armed')\n"
                            "time.sleep(60)"),
                     name="stubborn", stop_timeout=0.5, wait_ready=False)
        self.addCleanup(srv.close)
        srv.wait("the handler", lambda: "armed" in srv.output(), 10)
        self.assertEqual(srv.close(), -9)
        self.assertTrue(gone(srv.pid))
        self.assertFalse(os.path.exists(srv.dir))


class FreePortTest(unittest.TestCase):
    def test_ports_are_distinct_free_on_both_families_and_not_ephemeral(self):
        low, high = harness._ephemeral_range()
        ports = [free_port() for _ in range(50)]
        self.assertEqual(len(set(ports)), len(ports))
        for port in ports:
            self.assertFalse(low <= port <= high, port)
        # what a server given ":port" binds: both wildcards, each its own socket
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as v4, \
                socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as v6:
            v4.bind(("0.0.0.0", ports[0]))
            v6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            v6.bind(("::", ports[0]))

    def test_a_port_taken_on_ipv6_alone_is_not_given(self):
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as taken:
            taken.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            taken.bind(("::1", 0))
            self.assertFalse(harness._port_is_free(taken.getsockname()[1]))


if __name__ == "__main__":
    harness.main()
