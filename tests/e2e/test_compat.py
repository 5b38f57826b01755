"""Compatibility with Debian's prometheus-node-exporter, run side by side.

For the collectors of this build, every series node_exporter exposes on this
machine must be exposed by host_exporter too (same name, same label set),
with the same TYPE and HELP, except the differences listed below with their
reasons. Slowly changing gauges must have equal values. Prints the counts.
"""
import re
import unittest

import harness
from harness import (NODE_EXPORTER, Exporter, NodeExporter, free_port, parse_exposition,
                     request)

COLLECTORS = ["cpu", "diskstats", "filesystem", "loadavg", "meminfo", "netdev",
              "stat", "time", "uname"]

# Families node_exporter has and we deliberately do not, with the reason.
NOT_OURS = {
    r"^go_": "Go runtime metrics of node_exporter's own process",
    r"^promhttp_": "client_golang's HTTP handler metrics",
    r"^node_exporter_build_info$": "ours is host_exporter_build_info",
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
          r"^node_filesystem_readonly$", r"^node_boot_time_seconds$",
          r"^node_uname_info$", r"^node_disk_info$", r"^node_os_info$",
          r"^node_os_version$", r"^node_dmi_info$", r"^node_network_mtu_bytes$",
          r"^node_network_info$", r"^node_network_up$", r"^node_entropy_pool_size_bits$",
          r"^node_filefd_maximum$", r"^node_selinux_enabled$", r"^node_time_zone_offset_seconds$"]


class CompatTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not NODE_EXPORTER:
            raise unittest.SkipTest("prometheus-node-exporter is not installed "
                                    "(apt-get install prometheus-node-exporter)")
        flags = ["--collector.disable-defaults"] + ["--collector." + c for c in COLLECTORS]
        cls.np = free_port()
        cls.hp = free_port()
        cls.ne = NodeExporter(flags + ["--web.listen-address=127.0.0.1:%d" % cls.np],
                              cls.np)
        cls.he = Exporter(flags + ["--web.listen-address=127.0.0.1:%d" % cls.hp],
                          cls.hp)
        cls.ours, cls.ours_meta = parse_exposition(
            request("127.0.0.1", cls.hp, "GET", "/metrics")[2].decode())
        cls.theirs, cls.theirs_meta = parse_exposition(
            request("127.0.0.1", cls.np, "GET", "/metrics")[2].decode())

    @classmethod
    def tearDownClass(cls):
        cls.ne.stop()
        cls.he.stop()

    def test_every_series_present(self):
        missing, excused = [], 0
        for (name, labels) in self.theirs:
            if (name, labels) in self.ours:
                continue
            if deliberate(name, labels):
                excused += 1
                continue
            missing.append("%s{%s}" % (name, ",".join("%s=%r" % kv for kv in sorted(labels))))
        total = len(self.theirs)
        print("\ncompat: %d node_exporter series, %d present in ours, %d deliberately "
              "absent, %d missing" % (total, total - excused - len(missing), excused,
                                      len(missing)))
        self.assertEqual(missing, [], "series node_exporter has and we lack")

    def test_types_and_help_identical(self):
        different = []
        for name, (typ, help_) in self.theirs_meta.items():
            if deliberate(name, frozenset()) or name not in self.ours_meta:
                continue
            if self.ours_meta[name] != (typ, help_):
                different.append("%s: theirs %r, ours %r" % (name, (typ, help_),
                                                             self.ours_meta[name]))
        print("\ncompat: %d families compared for TYPE and HELP, %d different" %
              (len(self.theirs_meta), len(different)))
        self.assertEqual(different, [])

    def test_stable_values_equal(self):
        compared, different = 0, []
        for key, value in self.theirs.items():
            if not any(re.match(p, key[0]) for p in STABLE) or key not in self.ours:
                continue
            compared += 1
            if self.ours[key] != value:
                different.append("%s %s: theirs %s, ours %s" % (key[0], sorted(key[1]),
                                                                value, self.ours[key]))
        print("\ncompat: %d stable series compared, %d different" % (compared, len(different)))
        self.assertGreater(compared, 3)
        self.assertEqual(different, [])


def our_default_collectors():
    """The collectors host_exporter enables by default (from one --once run)."""
    import subprocess
    out = subprocess.run([harness.binary(), "--once"], capture_output=True, text=True,
                         timeout=60).stdout
    return sorted(set(re.findall(r'node_scrape_collector_success\{collector="([^"]+)"\}', out)))


def node_exporter_collectors():
    """The collectors the reference node_exporter has (from its --help): a
    default collector of a later node_exporter (watchdog, kernel_hung) is
    not one of 1.5's, which refuses its flag."""
    import subprocess
    r = subprocess.run([NODE_EXPORTER, "--help"], capture_output=True, text=True, timeout=30)
    return set(re.findall(r"--collector\.([a-z0-9_]+)\s+Enable the \1 collector",
                          r.stdout + r.stderr))


class DefaultCollectorsCompatTest(unittest.TestCase):
    """Every default collector of ours that node_exporter has, on this
    machine, against node_exporter with the same collectors: node_exporter is
    scraped, host_exporter collects once (--once), node_exporter is scraped
    again; every counter of ours must lie between node_exporter's two
    values."""

    @classmethod
    def setUpClass(cls):
        if not NODE_EXPORTER:
            raise unittest.SkipTest("prometheus-node-exporter is not installed "
                                    "(apt-get install prometheus-node-exporter)")
        import subprocess
        theirs = node_exporter_collectors()
        cls.collectors = [c for c in our_default_collectors() if c in theirs]
        cls.not_theirs = [c for c in our_default_collectors() if c not in theirs]
        flags = ["--collector.disable-defaults"] + ["--collector." + c for c in cls.collectors]
        port = free_port()
        ne = NodeExporter(flags + ["--web.listen-address=127.0.0.1:%d" % port], port)
        try:
            cls.before, cls.meta = parse_exposition(
                request("127.0.0.1", port, "GET", "/metrics")[2].decode())
            out = subprocess.run([harness.binary(), "--once"] + flags, capture_output=True,
                                 text=True, timeout=60).stdout
            cls.after, _ = parse_exposition(
                request("127.0.0.1", port, "GET", "/metrics")[2].decode())
        finally:
            ne.stop()
        cls.ours, cls.ours_meta = parse_exposition(out)

    def test_series_types_help_and_counters(self):
        missing = [k for k in self.before
                   if k not in self.ours and not deliberate(k[0], k[1])]
        meta = [n for n, m in self.meta.items()
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
                    outside.append("%s%s: theirs %s..%s, ours %s" % (
                        key[0], sorted(key[1]), a, b, ours))
            elif any(re.match(p, key[0]) for p in STABLE) and a == b:
                stable += 1
                if ours != a:
                    unequal.append("%s%s: theirs %s, ours %s" % (key[0], sorted(key[1]), a, ours))
        print("\ncompat: default collectors node_exporter lacks, not compared: %s" %
              (", ".join(self.not_theirs) or "none"))
        print("\ncompat (%d default collectors): %d node_exporter series, %d missing; "
              "%d families, %d TYPE/HELP different; %d counters, %d outside node_exporter's "
              "two readings; %d stable gauges, %d different" % (
                  len(self.collectors), len(self.before), len(missing), len(self.meta),
                  len(meta), counters, len(outside), stable, len(unequal)))
        self.assertGreater(len(self.collectors), 30)
        self.assertGreater(counters, 20)
        self.assertEqual(missing, [])
        self.assertEqual(meta, [])
        self.assertEqual(outside, [])
        self.assertEqual(unequal, [])


if __name__ == "__main__":
    harness.main()
