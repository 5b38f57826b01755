"""The ntp, supervisord and runit collectors against the real daemons from
Debian, each on loopback or in a temporary directory: chronyd (chrony)
serving NTP on a free UDP port as a local stratum-10 server (as root only), supervisord
with an inet_http_server on a free port and two programs (one running, one
exited with status 3), runsvdir over a service directory with a running
service and one marked down. One host_exporter runs the three collectors;
a case whose daemon is not installed is skipped (all three: exit 77)."""
import os
import shutil
import signal
import socket
import struct
import tempfile
import time
import unittest

import harness
from harness import Exporter, Server, free_port, scrape_series, wait_for

CHRONYD = shutil.which("chronyd") or (
    "/usr/sbin/chronyd" if os.access("/usr/sbin/chronyd", os.X_OK) else None)
# chronyd refuses to start unless root ("Fatal error : Not superuser").
CHRONYD_WHY = ("chronyd is not installed (Debian package chrony)" if not CHRONYD else
               "chronyd runs only as root" if os.geteuid() != 0 else None)
SUPERVISORD = shutil.which("supervisord")
RUNSVDIR = shutil.which("runsvdir")


def sntp_answers(port):
    """True if an SNTP client request to 127.0.0.1:port gets a reply."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(0.2)
        s.sendto(b"\x23" + bytes(47), ("127.0.0.1", port))
        try:
            return len(s.recv(512)) >= 48
        except socket.timeout:
            return False


def config_file(tmp, name, text):
    """Writes tmp/name (creating tmp) and returns its path."""
    os.makedirs(tmp)
    path = os.path.join(tmp, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def start_chronyd(tmp):
    port = free_port()
    conf = config_file(tmp, "chrony.conf",
                       "port %d\nbindaddress 127.0.0.1\nallow 127.0.0.1\n"
                       "local stratum 10\ncmdport 0\nbindcmdaddress /\n"
                       "pidfile %s/chronyd.pid\ndriftfile %s/drift\n" % (port, tmp, tmp))
    # -x: never touch the system clock; -d: foreground, log to stderr.
    return Server([CHRONYD, "-d", "-x", "-f", conf], port=port, name="chronyd",
                  ready=lambda: sntp_answers(port), timeout=10.0, wait_ready=False)


def start_supervisord(tmp):
    port = free_port()
    conf = config_file(
        tmp, "supervisord.conf",
        "[supervisord]\nnodaemon=true\nlogfile=%(t)s/supervisord.log\n"
        "pidfile=%(t)s/supervisord.pid\nchildlogdir=%(t)s\n"
        "[inet_http_server]\nport=127.0.0.1:%(p)d\n"
        "[rpcinterface:supervisor]\nsupervisor.rpcinterface_factory = "
        "supervisor.rpcinterface:make_main_rpcinterface\n"
        "[program:sleeper]\ncommand=sleep 60\nstartsecs=0\n"
        "[program:oneshot]\ncommand=sh -c 'exit 3'\nstartsecs=0\n"
        "autorestart=false\n" % {"t": tmp, "p": port})
    return Server([SUPERVISORD, "-n", "-c", conf], port=port, name="supervisord",
                  ready=None, timeout=15.0, wait_ready=False)


def runit_status(path):
    """(state, want) of a supervise/status file, or None while absent."""
    try:
        with open(path, "rb") as f:
            b = f.read()
    except OSError:
        return None
    return (b[19], chr(b[17])) if len(b) == 20 else None


def start_runsvdir(tmp):
    sv = os.path.join(tmp, "service")
    for name, down in (("sleeper", False), ("idle", True)):
        d = os.path.join(sv, name)
        os.makedirs(d)
        run = os.path.join(d, "run")
        with open(run, "w") as f:
            f.write("#!/bin/sh\nexec sleep 60\n")
        os.chmod(run, 0o755)
        if down:
            open(os.path.join(d, "down"), "w").close()

    def ready():
        return (runit_status(os.path.join(sv, "sleeper/supervise/status")) == (1, "u")
                and runit_status(os.path.join(sv, "idle/supervise/status")) is not None)
    server = Server([RUNSVDIR, sv], port=0, name="runsvdir", ready=ready, timeout=10.0,
                    wait_ready=False)
    server.service_dir = sv
    return server


def stop_runsvdir(server):
    # HUP: runsvdir sends TERM to each runsv (which stops its service and
    # exits) and exits; TERM would leave the runsv processes behind.
    server.stop(signal.SIGHUP, timeout=5.0)
    server.close()


def value(series, family, **labels):
    want = frozenset(labels.items())
    for (n, ls), v in series.items():
        if n == family and ls == want:
            return v
    return None


class DaemonsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="daemons-")
        cls.started = time.time()
        cls.servers = {}
        flags = ["--collector.disable-defaults", "--collection.interval=500ms"]
        try:
            if not CHRONYD_WHY:
                cls.servers["ntp"] = s = start_chronyd(os.path.join(cls.tmp, "c"))
                flags += ["--collector.ntp", "--collector.ntp.server-port=%d" % s.port]
            if SUPERVISORD:
                cls.servers["supervisord"] = s = start_supervisord(
                    os.path.join(cls.tmp, "s"))
                flags += ["--collector.supervisord",
                          "--collector.supervisord.url=http://127.0.0.1:%d/RPC2" % s.port]
            if RUNSVDIR:
                cls.servers["runit"] = s = start_runsvdir(os.path.join(cls.tmp, "r"))
                flags += ["--collector.runit",
                          "--collector.runit.servicedir=" + s.service_dir]
            # Started together, waited for in turn.
            for server in cls.servers.values():
                server.wait_ready()
            cls.exporter = None
            if cls.servers:
                port = free_port()
                cls.exporter = Exporter(
                    flags + ["--web.listen-address=127.0.0.1:%d" % port], port)
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        if getattr(cls, "exporter", None):
            cls.exporter.stop()
        for name, server in cls.servers.items():
            if name == "runit":
                stop_runsvdir(server)
            else:
                server.close()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def scrape_until(self, what, ok):
        """A scrape whose series satisfy ok(series), waited for up to 10 s."""
        return wait_for(what, lambda: (lambda s: ok(s) and s)(
            scrape_series(self.exporter.port)), timeout=10)

    def collector_ok(self, s, name):
        return value(s, "node_scrape_collector_success", collector=name) == 1

    def test_ntp_against_chronyd(self):
        if "ntp" not in self.servers:
            self.skipTest(CHRONYD_WHY)
        s = self.scrape_until("the ntp collector's series",
                              lambda s: self.collector_ok(s, "ntp"))
        self.assertEqual(value(s, "node_ntp_stratum"), 10)  # local stratum 10
        self.assertEqual(value(s, "node_ntp_leap"), 0)
        self.assertEqual(value(s, "node_ntp_sanity"), 1)
        # Same clock on both sides: a small offset and a loopback RTT.
        self.assertLess(abs(value(s, "node_ntp_offset_seconds")), 0.1)
        self.assertGreaterEqual(value(s, "node_ntp_rtt_seconds"), 0)
        self.assertLess(value(s, "node_ntp_rtt_seconds"), 0.5)
        ref = value(s, "node_ntp_reference_timestamp_seconds")
        self.assertGreater(ref, self.started - 60)
        self.assertLess(ref, time.time() + 60)
        self.assertEqual(value(s, "node_ntp_root_delay_seconds"), 0)
        self.assertIsNotNone(value(s, "node_ntp_root_dispersion_seconds"))

    def test_supervisord_processes(self):
        if "supervisord" not in self.servers:
            self.skipTest("supervisord is not installed (Debian package supervisor)")
        sleeper = {"name": "sleeper", "group": "sleeper"}
        oneshot = {"name": "oneshot", "group": "oneshot"}
        s = self.scrape_until(
            "sleeper RUNNING and oneshot EXITED",
            lambda s: value(s, "node_supervisord_state", **sleeper) == 20
            and value(s, "node_supervisord_state", **oneshot) == 100)
        self.assertEqual(value(s, "node_supervisord_up", **sleeper), 1)
        self.assertEqual(value(s, "node_supervisord_exit_status", **sleeper), 0)
        start = value(s, "node_supervisord_start_time_seconds", **sleeper)
        self.assertGreater(start, self.started - 60)
        self.assertLess(start, time.time() + 60)
        self.assertEqual(value(s, "node_supervisord_up", **oneshot), 0)
        self.assertEqual(value(s, "node_supervisord_exit_status", **oneshot), 3)
        self.assertIsNone(value(s, "node_supervisord_start_time_seconds", **oneshot))
        self.assertTrue(self.collector_ok(s, "supervisord"))

    def test_runit_services(self):
        if "runit" not in self.servers:
            self.skipTest("runsvdir is not installed (Debian package runit)")
        sleeper = {"service": "sleeper", "supervisor": "runit"}
        idle = {"service": "idle", "supervisor": "runit"}
        s = self.scrape_until("both runit services",
                              lambda s: value(s, "node_service_state", **sleeper) == 1
                              and value(s, "node_service_state", **idle) is not None)
        self.assertEqual(value(s, "node_service_desired_state", **sleeper), 1)
        self.assertEqual(value(s, "node_service_normal_state", **sleeper), 1)
        changed = value(s, "node_service_state_last_change_timestamp_seconds", **sleeper)
        self.assertGreater(changed, self.started - 60)
        self.assertLess(changed, time.time() + 60)
        self.assertEqual(value(s, "node_service_state", **idle), 0)
        self.assertEqual(value(s, "node_service_desired_state", **idle), 0)
        self.assertEqual(value(s, "node_service_normal_state", **idle), 0)
        self.assertTrue(self.collector_ok(s, "runit"))


if __name__ == "__main__":
    harness.main()
