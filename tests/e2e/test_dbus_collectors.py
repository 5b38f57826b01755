"""The collectors that talk D-Bus (logind, systemd) against real D-Bus
services on a private dbus-daemon (a temporary socket, handed to the
exporter as DBUS_SYSTEM_BUS_ADDRESS, which sd-bus honours).

No systemd-logind can run here (it needs systemd as PID 1 and seats), so
login1 is tests/e2e/dbus_fixture.py: ListSeats, ListSessions and the
sessions' Remote, Type and Class, with sessions on two seats and none.
systemd1 is the same fixture with ListUnits and the properties the systemd
collector reads: `systemd --user` could run outside PID 1 here only in a
private mount namespace (it exits at once unless /run/systemd/system
exists), and it then moves every process of the cgroup it starts in into
its own init.scope, which for a container's root cgroup is every process on
the machine; see README ("systemd and logind").

Each case skips (77 when all do) when dbus-daemon or a Python with Gio
(python3-gi) is missing, or the daemon does not start. Every process has a
lifetime of its own (timeout(1), --lifetime) and stops by itself.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

import harness

FIXTURE = os.path.join(harness.HERE, "dbus_fixture.py")
LIFETIME = 60  # seconds any daemon here lives at most


_GIO_PYTHON = []


def gio_python():
    """An interpreter that has Gio: this one, or Debian's (looked up once)."""
    if _GIO_PYTHON:
        return _GIO_PYTHON[0]
    for exe in (sys.executable, "/usr/bin/python3"):
        if exe and os.access(exe, os.X_OK) and subprocess.run(
                [exe, "-c", "from gi.repository import Gio"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0:
            _GIO_PYTHON.append(exe)
            return exe
    raise unittest.SkipTest("no python3 with Gio (apt-get install python3-gi)")


class Bus:
    """A private dbus-daemon on a socket in a temporary directory, and the
    fixture services on it."""

    def __init__(self):
        daemon = shutil.which("dbus-daemon")
        if not daemon:
            raise unittest.SkipTest("dbus-daemon not installed (apt-get install dbus-daemon)")
        self.python = gio_python()
        self.dir = tempfile.mkdtemp(prefix="dbus-")
        self.socket = os.path.join(self.dir, "bus")
        self.address = "unix:path=" + self.socket
        self.services = []
        self.daemon = harness.Server(
            ["timeout", str(LIFETIME), daemon, "--session", "--nofork",
             "--address=" + self.address],
            name="dbus-daemon", ready=lambda: os.path.exists(self.socket),
            timeout=10.0, wait_ready=False)
        try:
            self.daemon.wait_ready()
        except AssertionError as e:
            self.close()
            raise unittest.SkipTest("dbus-daemon did not start: %s" % e)

    def serve(self, spec):
        """Starts a fixture service of `spec` (see dbus_fixture.py); the
        caller closes it."""
        path = os.path.join(self.dir, "spec-%d.json" % len(self.services))
        with open(path, "w") as f:
            json.dump(spec, f)
        log = []

        def ready():
            log[:] = [server.output()]
            return "ready" in log[0]
        server = harness.Server(
            [self.python, FIXTURE, "--address", self.address, "--spec", path,
             "--lifetime", str(LIFETIME)], name=spec["name"], ready=ready,
            timeout=10.0, wait_ready=False)
        self.services.append(server)
        server.wait_ready()
        return server

    def close(self):
        for s in self.services:
            s.close()
        self.daemon.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def login1_spec(seats, sessions):
    """org.freedesktop.login1 with `seats` and `sessions`: (id, seat, remote,
    type, class) each."""
    objects = {"/org/freedesktop/login1": {"org.freedesktop.login1.Manager": {"methods": {
        "ListSeats": ["a(so)", [[s, "/org/freedesktop/login1/seat/" + s] for s in seats]],
        "ListSessions": ["a(susso)", [
            [sid, 1000, "user%s" % sid, seat, "/org/freedesktop/login1/session/_3" + sid]
            for sid, seat, _, _, _ in sessions]]}}}}
    for sid, seat, remote, typ, cls in sessions:
        objects["/org/freedesktop/login1/session/_3" + sid] = {
            "org.freedesktop.login1.Session": {"properties": {
                "Id": ["s", sid], "Seat": ["(so)", [seat, "/"]],
                "Remote": ["b", remote], "Type": ["s", typ], "Class": ["s", cls]}}}
    return {"name": "org.freedesktop.login1", "objects": objects}


def unit_path(name):
    """systemd's object path of a unit (bus_label_escape)."""
    out = []
    for ch in name:
        out.append(ch if ch.isalnum() else "_%02x" % ord(ch))
    return "/org/freedesktop/systemd1/unit/" + "".join(out)


# name, load, active, sub, {interface: {property: [type, value]}}
UNITS = [
    ("ssh.service", "loaded", "active", "running", {
        "Service": {"Type": ["s", "notify"], "NRestarts": ["u", 2],
                    "TasksCurrent": ["t", 3], "TasksMax": ["t", 4915]},
        "Unit": {"ActiveEnterTimestamp": ["t", 1700000000250000]}}),
    ("broken.service", "loaded", "failed", "failed", {
        "Service": {"Type": ["s", "oneshot"], "NRestarts": ["u", 5],
                    "TasksCurrent": ["t", 2 ** 64 - 1], "TasksMax": ["t", 2 ** 64 - 1]}}),
    ("web.socket", "loaded", "active", "listening", {
        "Socket": {"NAccepted": ["u", 17], "NConnections": ["u", 2], "NRefused": ["u", 1]},
        "Unit": {"ActiveEnterTimestamp": ["t", 1700000100000000]}}),
    ("backup.timer", "loaded", "active", "waiting", {
        "Timer": {"LastTriggerUSec": ["t", 1700003600500000]},
        "Unit": {"ActiveEnterTimestamp": ["t", 1700000200000000]}}),
    ("home.mount", "loaded", "active", "mounted", {"Mount": {"Type": ["s", "ext4"]}}),
    ("gone.service", "not-found", "inactive", "dead", {}),
]


def systemd1_spec(units=UNITS, version="252.39-1~deb12u2", state="degraded"):
    units_reply = [[name, name, load, active, sub, "", unit_path(name), 0, "", "/"]
                   for name, load, active, sub, _ in units]
    objects = {"/org/freedesktop/systemd1": {"org.freedesktop.systemd1.Manager": {
        "methods": {"ListUnits": ["a(ssssssouso)", units_reply]},
        "properties": {"Version": ["s", version], "SystemState": ["s", state]}}}}
    for name, _, _, _, props in units:
        objects[unit_path(name)] = {"org.freedesktop.systemd1." + iface: {"properties": p}
                                    for iface, p in props.items()}
    return {"name": "org.freedesktop.systemd1", "objects": objects}


def series(port):
    return harness.scrape_series(port)


def value(s, metric, **labels):
    return s.get((metric, frozenset((k, v) for k, v in labels.items() if v != "")))


class DbusCollectorsTest(unittest.TestCase):
    """One dbus-daemon for all cases; each case starts the services it needs."""

    @classmethod
    def setUpClass(cls):
        harness.binary()
        cls.bus = Bus()

    @classmethod
    def tearDownClass(cls):
        cls.bus.close()

    def serve(self, spec):
        service = self.bus.serve(spec)
        self.addCleanup(service.close)
        return service

    def exporter(self, *args, address=None):
        port = harness.free_port()
        e = harness.Exporter(
            ["--web.listen-address=127.0.0.1:%d" % port, "--collector.disable-defaults"]
            + list(args), port, env={"DBUS_SYSTEM_BUS_ADDRESS": address or self.bus.address})
        self.addCleanup(e.stop)
        return e

    def test_logind_counts_sessions_by_seat_remote_type_class(self):
        self.serve(login1_spec(["seat0", "seat1"], [
            ("1", "seat0", False, "x11", "greeter"),
            ("2", "seat0", False, "wayland", "user"),
            ("3", "", True, "tty", "user"),
            ("4", "", True, "tty", "user"),
            ("5", "seat1", False, "kiosk", "manager"),  # unknown: "other"
        ]))
        e = self.exporter("--collector.logind")
        s = series(e.port)
        self.assertEqual(value(s, "node_scrape_collector_success", collector="logind"), 1,
                         e.output(2000))
        sessions = {k: v for k, v in s.items() if k[0] == "node_logind_sessions"}
        # seat0, seat1 and "" x remote x 7 types x 5 classes, as node_exporter.
        self.assertEqual(len(sessions), 3 * 2 * 7 * 5)
        self.assertEqual(sum(sessions.values()), 5)

        def n(seat, remote, typ, cls):
            return value(s, "node_logind_sessions", seat=seat, remote=remote, type=typ,
                         **{"class": cls})
        self.assertEqual(n("seat0", "false", "x11", "greeter"), 1)
        self.assertEqual(n("seat0", "false", "wayland", "user"), 1)
        self.assertEqual(n("", "true", "tty", "user"), 2)
        self.assertEqual(n("seat1", "false", "other", "other"), 1)
        self.assertEqual(n("seat1", "true", "tty", "user"), 0)

    def test_logind_service_gone_fails_the_collector_only(self):
        login1 = self.serve(login1_spec(["seat0"], [("1", "", True, "tty", "user")]))
        e = self.exporter("--collector.logind", "--collector.loadavg",
                          "--collection.interval=200ms")
        s = series(e.port)
        self.assertEqual(value(s, "node_scrape_collector_success", collector="logind"), 1)
        login1.close()
        s = harness.wait_for("logind's failure", lambda: (lambda t: t if value(
            t, "node_scrape_collector_success", collector="logind") == 0 else None)(
                series(e.port)), timeout=10)
        self.assertEqual(value(s, "node_scrape_collector_success", collector="loadavg"), 1)
        self.assertIsNone(value(s, "node_logind_sessions", seat="", remote="true",
                                type="tty", **{"class": "user"}))
        self.assertIn("unable to get seats", e.output())

    def test_systemd_units_from_the_bus(self):
        self.serve(systemd1_spec())
        e = self.exporter("--collector.systemd", "--collector.systemd.enable-task-metrics",
                          "--collector.systemd.enable-restarts-metrics",
                          "--collector.systemd.enable-start-time-metrics")
        s = series(e.port)
        self.assertEqual(value(s, "node_scrape_collector_success", collector="systemd"), 1,
                         e.output(2000))
        self.assertEqual(value(s, "node_systemd_version", version="252.39-1~deb12u2"), 252.39)
        self.assertEqual(value(s, "node_systemd_system_running"), 0)
        self.assertEqual(value(s, "node_systemd_units", state="active"), 4)
        self.assertEqual(value(s, "node_systemd_units", state="failed"), 1)
        self.assertEqual(value(s, "node_systemd_units", state="inactive"), 1)

        def state(name, st, typ=""):
            return value(s, "node_systemd_unit_state", name=name, state=st, type=typ)
        self.assertEqual(state("ssh.service", "active", "notify"), 1)
        self.assertEqual(state("broken.service", "failed", "oneshot"), 1)
        self.assertEqual(state("broken.service", "active", "oneshot"), 0)
        self.assertEqual(state("web.socket", "active"), 1)
        # home.mount is excluded by default, gone.service is not loaded.
        self.assertEqual({dict(k[1])["name"] for k in s if k[0] == "node_systemd_unit_state"},
                         {"ssh.service", "broken.service", "web.socket", "backup.timer"})
        self.assertEqual(value(s, "node_systemd_service_restart_total", name="broken.service"), 5)
        self.assertEqual(value(s, "node_systemd_unit_tasks_current", name="ssh.service"), 3)
        self.assertIsNone(value(s, "node_systemd_unit_tasks_max", name="broken.service"))
        self.assertEqual(value(s, "node_systemd_unit_start_time_seconds", name="ssh.service"),
                         1700000000.25)
        self.assertEqual(value(s, "node_systemd_unit_start_time_seconds",
                               name="broken.service"), 0)
        self.assertEqual(value(s, "node_systemd_timer_last_trigger_seconds",
                               name="backup.timer"), 1700003600.5)
        self.assertEqual(value(s, "node_systemd_socket_accepted_connections_total",
                               name="web.socket"), 17)
        self.assertEqual(value(s, "node_systemd_socket_current_connections",
                               name="web.socket"), 2)
        self.assertEqual(value(s, "node_systemd_socket_refused_connections_total",
                               name="web.socket"), 1)
        # libsystemd is loaded by the collector's first connection
        # (test_cost.py: not mapped without these collectors).
        with open("/proc/%d/maps" % e.pid) as f:
            self.assertIn("/libsystemd.so.0", f.read())

    def test_no_bus_names_the_address_and_keeps_serving(self):
        missing = "unix:path=" + os.path.join(self.bus.dir, "no-such-bus")
        e = self.exporter("--collector.logind", "--collector.systemd", "--collector.loadavg",
                          address=missing)
        s = series(e.port)
        self.assertEqual(value(s, "node_scrape_collector_success", collector="logind"), 0)
        self.assertEqual(value(s, "node_scrape_collector_success", collector="systemd"), 0)
        self.assertEqual(value(s, "node_scrape_collector_success", collector="loadavg"), 1)
        log = e.output()
        self.assertIn("unable to connect to dbus: system bus at " + missing, log)
        self.assertIn("couldn't get dbus connection: system bus at " + missing, log)


if __name__ == "__main__":
    harness.main()
