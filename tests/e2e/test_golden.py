"""The whole exposition over the fixture root, compared with a golden file.

Run with --update to rewrite tests/golden/fixtures.prom deliberately (see
README, "Golden file"); never to make a failure go away without reading the
diff.
"""
import difflib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

import harness

GOLDEN = os.path.join(harness.SOURCE_ROOT, "tests", "golden", "fixtures.prom")
# Default-off collectors with a fixture tree of their own: their lines (and
# their scrape success) from --once with only that collector.
OFF_BY_DEFAULT = {
    "process_top": (os.path.join(harness.SOURCE_ROOT, "tests", "fixtures", "process_top"),
                    os.path.join(harness.SOURCE_ROOT, "tests", "golden", "process_top.prom"),
                    r"^(# (HELP|TYPE) )?host_process_|"
                    r'^node_scrape_collector_success\{collector="process_top"\}'),
}

# Values that depend on the moment or the machine, not on the fixtures:
# masked to "<volatile>" before the comparison (the series must still exist).
VOLATILE_VALUES = [
    r"^node_scrape_collector_duration_seconds\{",
    r"^node_time_seconds ",
    r"^node_timex_",  # adjtimex(2) reads the live clock, not the fixtures
    r"^process_",  # the exporter's own process
    r"^host_exporter_cycle_end_timestamp_seconds ",  # when the cycle ended
    r"^host_exporter_cycles_total ",  # how many cycles ran before
    r"^node_textfile_mtime_seconds\{",  # git checkout sets fixture mtimes
    # statfs() on the fixture's mount points reports the disk the checkout is on.
    r"^node_filesystem_(size_bytes|free_bytes|avail_bytes|files|files_free)\{",
]
# Default-off collectors the golden run enables as well (node_exporter's
# end-to-end test enables its default-off collectors too).
ENABLED_OFF_BY_DEFAULT = [
    "cgroup",
    "softirqs",
    "cpu_vulnerabilities",
    "buddyinfo",
    "ksmd",
    "zoneinfo",
    "slabinfo",
    "sysctl",
    "swap",
    "cgroups",
    "lnstat",
    "drm",
    "xfrm",
    "nvmesubsystem",
    "pcidevice",
    "drbd",
    "qdisc",
    "interrupts",
    "meminfo_numa",
    "mountstats",
    "network_route",
    "processes",
    "tcpstat",
    "wifi",
]
# Their options, as node_exporter's end-to-end test passes them.
COLLECTOR_FLAGS = [
    "--collector.sysctl.include=fs.file-nr",
    "--collector.sysctl.include=fs.file-nr:total,current,max",
    "--collector.sysctl.include=kernel.threads-max",
    "--collector.sysctl.include-info=kernel.seccomp.actions_avail",
    # qdisc asks the kernel over rtnetlink; node_exporter's JSON fixture
    # stands in for it.
    "--collector.qdisc.fixtures=" + os.path.join(harness.SOURCE_ROOT, "tests", "fixtures", "qdisc"),
    # wifi asks the kernel over nl80211; JSON fixtures in node_exporter's
    # format stand in for it (tests/fixtures/wifi, written from the
    # mdlayher/wifi structs).
    "--collector.wifi.fixtures=" + os.path.join(harness.SOURCE_ROOT, "tests", "fixtures", "wifi"),
]
# node_exporter 1.5's shape (--compat.node-exporter=1.5) of the collectors
# the switch changes, on the fixture root: their lines, in a golden file of
# their own (the full golden above is the default, 1.9, shape).
GOLDEN_NE15 = os.path.join(harness.SOURCE_ROOT, "tests", "golden", "fixtures-ne15.prom")
COMPAT_COLLECTORS = ["filesystem", "diskstats", "netclass", "softnet", "netstat", "meminfo",
                     "cpufreq", "nfsd", "btrfs", "bcache"]

# Labels that depend on the build.
VOLATILE_LABELS = [
    (r"^host_exporter_build_info\{.*", "host_exporter_build_info{<build>} 1"),
]


def exposition():
    env = dict(os.environ, TZ="UTC")
    r = subprocess.run([harness.binary(), "--once"] + harness.fixture_flags() +
                       ["--collector.textfile.directory=" +
                        os.path.join(harness.FIXTURE_ROOT, "textfile")] +
                       ["--collector." + c for c in ENABLED_OFF_BY_DEFAULT] +
                       COLLECTOR_FLAGS,
                       capture_output=True, text=True, timeout=60, env=env)
    if r.returncode != 0:
        raise AssertionError("--once failed: %s" % r.stderr)
    return r.stdout


def ne15_exposition():
    r = subprocess.run([harness.binary(), "--once", "--compat.node-exporter=1.5",
                        "--collector.disable-defaults"] +
                       ["--collector." + c for c in COMPAT_COLLECTORS] + harness.fixture_flags(),
                       capture_output=True, text=True, timeout=60, env=dict(os.environ, TZ="UTC"))
    if r.returncode != 0:
        raise AssertionError("--once failed: %s" % r.stderr)
    return normalise("".join(l + "\n" for l in r.stdout.splitlines()
                             if not re.match(r"^(# (HELP|TYPE) )?(process_|host_exporter_)", l)))


def off_by_default_exposition(name):
    root, _, keep = OFF_BY_DEFAULT[name]
    r = subprocess.run([harness.binary(), "--once", "--collector.disable-defaults",
                        "--collector." + name] + harness.fixture_flags(root),
                       capture_output=True, text=True, timeout=60, env=dict(os.environ, TZ="UTC"))
    if r.returncode != 0:
        raise AssertionError("--once failed: %s" % r.stderr)
    return "".join(l + "\n" for l in r.stdout.splitlines() if re.match(keep, l))


def normalise(text):
    # Paths into the fixture root (textfile file labels, rapl's path label)
    # depend on where the checkout is.
    text = text.replace(harness.FIXTURE_ROOT, "<fixture root>")
    out = []
    for line in text.splitlines():
        for pattern, repl in VOLATILE_LABELS:
            if re.match(pattern, line):
                line = repl
        if not line.startswith("#") and any(re.match(p, line) for p in VOLATILE_VALUES):
            line = line[:line.rindex(" ")] + " <volatile>"
        out.append(line)
    return "\n".join(out) + "\n"


class GoldenTest(unittest.TestCase):
    def test_matches_golden(self):
        got = normalise(exposition())
        with open(GOLDEN) as f:
            want = f.read()
        if got != want:
            diff = "".join(difflib.unified_diff(want.splitlines(True), got.splitlines(True),
                                                "golden", "got", n=1))
            self.fail("exposition differs from %s (scripts/update-golden rewrites it "
                      "after you have read this diff):\n%s" % (GOLDEN, diff[:20000]))

    def test_off_by_default_collectors_match_their_golden_lines(self):
        for name, (_, golden, _) in OFF_BY_DEFAULT.items():
            with self.subTest(collector=name):
                got = off_by_default_exposition(name)
                with open(golden) as f:
                    want = f.read()
                self.assertIn('node_scrape_collector_success{collector="%s"} 1' % name, got)
                if got != want:
                    diff = "".join(difflib.unified_diff(want.splitlines(True),
                                                        got.splitlines(True), "golden", "got"))
                    self.fail("%s differs from %s (scripts/update-golden rewrites it after "
                              "you have read this diff):\n%s" % (name, golden, diff[:20000]))

    def test_node_exporter_15_shape_matches_its_golden(self):
        got = ne15_exposition()
        with open(GOLDEN_NE15) as f:
            want = f.read()
        for c in COMPAT_COLLECTORS:
            self.assertIn('node_scrape_collector_success{collector="%s"} 1' % c, got)
        if got != want:
            diff = "".join(difflib.unified_diff(want.splitlines(True), got.splitlines(True),
                                                "golden", "got", n=1))
            self.fail("--compat.node-exporter=1.5 differs from %s (scripts/update-golden "
                      "rewrites it after you have read this diff):\n%s" % (GOLDEN_NE15,
                                                                          diff[:20000]))

    def test_every_collector_succeeds_on_fixtures(self):
        text = exposition()
        failed = re.findall(r'node_scrape_collector_success\{collector="([^"]+)"\} 0', text)
        self.assertEqual(failed, [])

    def test_promtool_check_metrics(self):
        promtool = shutil.which("promtool")
        if not promtool:
            self.skipTest("promtool not installed (apt-get install prometheus)")
        r = subprocess.run([promtool, "check", "metrics"], input=exposition(),
                           capture_output=True, text=True, timeout=60)
        # promtool exits 1 for lint warnings as well as errors; errors are
        # the lines that do not name a lint problem.
        problems = [l for l in (r.stdout + r.stderr).splitlines() if l.strip()]
        errors = [l for l in problems if "error while linting" in l or
                  "text format parsing error" in l]
        self.assertEqual(errors, [], "\n".join(problems))


if __name__ == "__main__":
    if "--update" in sys.argv:
        os.makedirs(os.path.dirname(GOLDEN), exist_ok=True)
        with open(GOLDEN, "w") as f:
            f.write(normalise(exposition()))
        print("wrote", GOLDEN)
        with open(GOLDEN_NE15, "w") as f:
            f.write(ne15_exposition())
        print("wrote", GOLDEN_NE15)
        for name, (_, golden, _) in OFF_BY_DEFAULT.items():
            with open(golden, "w") as f:
                f.write(off_by_default_exposition(name))
            print("wrote", golden)
    else:
        harness.main()
