"""Compatibility with node_exporter, run side by side on this machine.

Two halves, each skipped alone when its reference binary is missing:
- 1.9: node_exporter 1.9 (Debian 13's, unpacked by scripts/fetch-reference,
  or $NODE_EXPORTER_19) against host_exporter's default output;
- 1.5: Debian 12's prometheus-node-exporter (1.5) against host_exporter with
  --compat.node-exporter=1.5.

For the collectors of this build, every series node_exporter exposes must be
exposed by host_exporter too (same name, same label set), with the same TYPE
and HELP, except the families listed below with their reasons. Slowly
changing gauges must have equal values and every counter of ours must lie
between node_exporter's two readings. Prints the counts for each half.
"""
import re
import subprocess
import unittest

import harness
from harness import (NODE_EXPORTER, NODE_EXPORTER_19, Exporter, NodeExporter, free_port,
                     node_exporter_version, parse_exposition, request)

COLLECTORS = ["cpu", "diskstats", "filesystem", "loadavg", "meminfo", "netdev",
              "stat", "time", "uname"]

# Families node_exporter has and we deliberately do not, with the reason.
NOT_OURS = {
    r"^go_": "Go runtime metrics of node_exporter's own process",
    r"^promhttp_": "client_golang's HTTP handler metrics",
    r"^node_exporter_build_info$": "ours is host_exporter_build_info",
    r"^process_network_(receive|transmit)_bytes_total$":
        "client_golang's process collector in 1.9 counts its network namespace's traffic",
}


def deliberate(name, labels):
    """The reason a node_exporter series may be missing from ours, or None."""
    for pattern, why in NOT_OURS.items():
        if re.match(pattern, name):
            return why
    return None


# Gauges whose value must be equal in two scrapes a moment apart.
STABLE = [r"^node_memory_MemTotal_bytes$", r"^node_memory_SwapTotal_bytes$",
          r"^node_filesystem_size_bytes$", r"^node_filesystem_files$",
          r"^node_filesystem_readonly$", r"^node_filesystem_mount_info$",
          r"^node_boot_time_seconds$",
          r"^node_uname_info$", r"^node_disk_info$", r"^node_os_info$",
          r"^node_os_version$", r"^node_dmi_info$", r"^node_network_mtu_bytes$",
          r"^node_network_info$", r"^node_network_up$", r"^node_entropy_pool_size_bits$",
          r"^node_filefd_maximum$", r"^node_selinux_enabled$", r"^node_time_zone_offset_seconds$"]


def show(key):
    return "%s{%s}" % (key[0], ",".join("%s=%r" % kv for kv in sorted(key[1])))


def missing_and_label_differences(theirs, ours):
    """Series node_exporter has and we lack (not deliberately), and how many
    of them are label differences: a family we have with another label set."""
    our_label_sets = {}
    for name, labels in ours:
        our_label_sets.setdefault(name, set()).add(frozenset(k for k, _ in labels))
    missing, label_diffs = [], 0
    for key in theirs:
        if key in ours or deliberate(*key):
            continue
        missing.append(show(key))
        if frozenset(k for k, _ in key[1]) not in our_label_sets.get(key[0], {frozenset()}):
            label_diffs += 1
    return missing, label_diffs


class Half:
    """One reference: its binary, and the flags that make ours match it."""
    VERSION = None  # "1.9" or "1.5"
    OUR_FLAGS = []

    @classmethod
    def exe(cls):
        return None

    @classmethod
    def need(cls):
        exe = cls.exe()
        version = node_exporter_version(exe)
        if not version:
            raise unittest.SkipTest("no node_exporter %s (%s)" % (cls.VERSION, cls.WHERE))
        if not version.startswith(cls.VERSION + "."):
            raise unittest.SkipTest("%s is node_exporter %s, not %s" % (exe, version,
                                                                        cls.VERSION))
        return exe


class Half19(Half):
    VERSION = "1.9"
    WHERE = "scripts/fetch-reference, or $NODE_EXPORTER_19"
    OUR_FLAGS = []

    @classmethod
    def exe(cls):
        return NODE_EXPORTER_19


class Half15(Half):
    VERSION = "1.5"
    WHERE = "apt-get install prometheus-node-exporter on Debian 12"
    OUR_FLAGS = ["--compat.node-exporter=1.5"]

    @classmethod
    def exe(cls):
        return NODE_EXPORTER


class SameCollectors:
    """The core collectors, both exporters serving."""

    @classmethod
    def setUpClass(cls):
        exe = cls.need()
        flags = ["--collector.disable-defaults"] + ["--collector." + c for c in COLLECTORS]
        cls.np = free_port()
        cls.hp = free_port()
        cls.ne = NodeExporter(flags + ["--web.listen-address=127.0.0.1:%d" % cls.np],
                              cls.np, exe=exe)
        try:
            cls.he = Exporter(flags + cls.OUR_FLAGS +
                              ["--web.listen-address=127.0.0.1:%d" % cls.hp], cls.hp)
        except Exception:
            cls.ne.stop()
            raise
        cls.ours, cls.ours_meta = parse_exposition(
            request("127.0.0.1", cls.hp, "GET", "/metrics")[2].decode())
        cls.theirs, cls.theirs_meta = parse_exposition(
            request("127.0.0.1", cls.np, "GET", "/metrics")[2].decode())

    @classmethod
    def tearDownClass(cls):
        cls.ne.stop()
        cls.he.stop()

    def test_every_series_present(self):
        missing, label_diffs = missing_and_label_differences(self.theirs, self.ours)
        excused = sum(1 for k in self.theirs if k not in self.ours and deliberate(*k))
        total = len(self.theirs)
        print("\ncompat %s: %d node_exporter series, %d present in ours, %d deliberately "
              "absent, %d missing (%d of them label differences)" % (
                  self.VERSION, total, total - excused - len(missing), excused,
                  len(missing), label_diffs))
        self.assertEqual(missing, [], "series node_exporter %s has and we lack" %
                         self.VERSION)

    def test_types_and_help_identical(self):
        different = []
        for name, (typ, help_) in self.theirs_meta.items():
            if deliberate(name, frozenset()) or name not in self.ours_meta:
                continue
            if self.ours_meta[name] != (typ, help_):
                different.append("%s: theirs %r, ours %r" % (name, (typ, help_),
                                                             self.ours_meta[name]))
        print("\ncompat %s: %d families compared for TYPE and HELP, %d different" %
              (self.VERSION, len(self.theirs_meta), len(different)))
        self.assertEqual(different, [])

    def test_stable_values_equal(self):
        compared, different = 0, []
        for key, value in self.theirs.items():
            if not any(re.match(p, key[0]) for p in STABLE) or key not in self.ours:
                continue
            compared += 1
            if self.ours[key] != value:
                different.append("%s: theirs %s, ours %s" % (show(key), value,
                                                             self.ours[key]))
        print("\ncompat %s: %d stable series compared, %d different" % (
            self.VERSION, compared, len(different)))
        self.assertGreater(compared, 3)
        self.assertEqual(different, [])


class SameCollectors19(Half19, SameCollectors, unittest.TestCase):
    pass


class SameCollectors15(Half15, SameCollectors, unittest.TestCase):
    pass


def our_default_collectors(flags):
    """The collectors host_exporter enables by default (from one --once run)."""
    out = subprocess.run([harness.binary(), "--once"] + flags, capture_output=True,
                         text=True, timeout=60).stdout
    return sorted(set(re.findall(r'node_scrape_collector_success\{collector="([^"]+)"\}', out)))


def node_exporter_collectors(exe):
    """The collectors a node_exporter has (from its --help): a default
    collector of a later node_exporter (watchdog, kernel_hung) is not one of
    1.5's, which refuses its flag."""
    r = subprocess.run([exe, "--help"], capture_output=True, text=True, timeout=30)
    return set(re.findall(r"--collector\.([a-z0-9_]+)\s+Enable the \1 collector",
                          r.stdout + r.stderr))


class DefaultCollectors:
    """Every default collector of ours that node_exporter has, on this
    machine, against node_exporter with the same collectors: node_exporter is
    scraped, host_exporter collects once (--once), node_exporter is scraped
    again; every counter of ours must lie between node_exporter's two
    values."""

    @classmethod
    def setUpClass(cls):
        exe = cls.need()
        theirs = node_exporter_collectors(exe)
        ours = our_default_collectors(cls.OUR_FLAGS)
        cls.collectors = [c for c in ours if c in theirs]
        cls.not_theirs = [c for c in ours if c not in theirs]
        flags = ["--collector.disable-defaults"] + ["--collector." + c for c in cls.collectors]
        port = free_port()
        ne = NodeExporter(flags + ["--web.listen-address=127.0.0.1:%d" % port], port, exe=exe)
        try:
            cls.before, cls.meta = parse_exposition(
                request("127.0.0.1", port, "GET", "/metrics")[2].decode())
            out = subprocess.run([harness.binary(), "--once"] + flags + cls.OUR_FLAGS,
                                 capture_output=True, text=True, timeout=60).stdout
            cls.after, _ = parse_exposition(
                request("127.0.0.1", port, "GET", "/metrics")[2].decode())
        finally:
            ne.stop()
        cls.ours, cls.ours_meta = parse_exposition(out)

    def test_series_types_help_and_counters(self):
        missing, label_diffs = missing_and_label_differences(self.before, self.ours)
        meta = ["%s: theirs %r, ours %r" % (n, m, self.ours_meta[n])
                for n, m in self.meta.items()
                if n in self.ours_meta and self.ours_meta[n] != m]
        counters, outside = 0, []
        stable, unequal = 0, []
        for key, a in self.before.items():
            if key not in self.ours or key not in self.after:
                continue
            if key[0].startswith("process_"):
                continue  # each exporter's own process
            b, ours = self.after[key], self.ours[key]
            if self.meta.get(key[0], ("", ""))[0] == "counter":
                counters += 1
                lo, hi = min(a, b), max(a, b)
                if not lo - 1e-9 * abs(lo) <= ours <= hi + 1e-9 * abs(hi):
                    outside.append("%s: theirs %s..%s, ours %s" % (show(key), a, b, ours))
            elif any(re.match(p, key[0]) for p in STABLE) and a == b:
                stable += 1
                if ours != a:
                    unequal.append("%s: theirs %s, ours %s" % (show(key), a, ours))
        print("\ncompat %s: default collectors node_exporter lacks, not compared: %s" %
              (self.VERSION, ", ".join(self.not_theirs) or "none"))
        print("\ncompat %s (%d default collectors): %d node_exporter series, %d missing, "
              "%d label differences; %d families, %d TYPE/HELP different; %d counters, "
              "%d outside node_exporter's two readings; %d stable gauges, %d different" % (
                  self.VERSION, len(self.collectors), len(self.before), len(missing),
                  label_diffs, len(self.meta), len(meta), counters, len(outside), stable,
                  len(unequal)))
        self.assertGreater(len(self.collectors), 30)
        self.assertGreater(counters, 20)
        self.assertEqual(missing, [])
        self.assertEqual(meta, [])
        self.assertEqual(outside, [])
        self.assertEqual(unequal, [])


class DefaultCollectors19(Half19, DefaultCollectors, unittest.TestCase):
    pass


class DefaultCollectors15(Half15, DefaultCollectors, unittest.TestCase):
    pass


if __name__ == "__main__":
    harness.main()
