"""packaging/host_exporter.service: systemd's own checks, and the collectors
under the sandbox it sets up.

- `systemd-analyze verify` is clean (on a copy whose ExecStart= points at the
  built binary, since /usr/bin/host_exporter need not exist here);
- `systemd-analyze security --offline=true` rates it at most 2.0;
- every collector that works as root still works, with the same metrics, as
  an unprivileged user with no capabilities, no new privileges and a
  read-only root file system (what DynamicUser=, CapabilityBoundingSet= and
  ProtectSystem=strict amount to), and under the unit's SystemCallFilter=,
  RestrictAddressFamilies= and MemoryDenyWriteExecute= rebuilt with seccomp
  (unshare, setpriv and python3-seccomp, as no system manager may be
  running); the filesystem collector still reports the host's mount state
  and sizes.
"""
import errno
import json
import mmap
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import unittest

import harness

UNIT = os.path.join(harness.SOURCE_ROOT, "packaging", "host_exporter.service")
MAX_EXPOSURE = 2.0
# Collectors that read root-only files on most kernels, as node_exporter
# running as its own user cannot read them either (RAPL's energy_uj is 0400
# since the PLATYPUS fix; /proc/slabinfo is 0400, as node_exporter's help for
# its slabinfo collector says; perf's per-CPU counters need CAP_PERFMON,
# which the unit does not grant, and perf_event_open(2) is outside its
# system call filter).
ROOT_ONLY = {"rapl", "slabinfo", "perf"}


def systemd_analyze():
    exe = shutil.which("systemd-analyze")
    if not exe:
        raise unittest.SkipTest("systemd-analyze not installed (apt-get install systemd)")
    return exe


def unit_text():
    with open(UNIT) as f:
        return f.read()


def unit_settings(text):
    """{key: [values]} of the [Service] and [Unit] sections (no continuation lines)."""
    out = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";", "[")):
            continue
        key, _, value = line.partition("=")
        out.setdefault(key.strip(), []).append(value.strip())
    return out


def unit_copy(directory, binary):
    """The unit with the binary path replaced, as <directory>/host_exporter.service."""
    path = os.path.join(directory, "host_exporter.service")
    with open(path, "w") as f:
        f.write(unit_text().replace("/usr/bin/host_exporter", binary))
    return path


class UnitFileTest(unittest.TestCase):
    """What the unit must say, checked on its text."""

    def test_settings(self):
        s = unit_settings(unit_text())
        self.assertEqual(s["Type"], ["notify"])
        self.assertEqual(s["DynamicUser"], ["yes"])
        watchdog = s["WatchdogSec"][0]
        self.assertRegex(watchdog, r"^\d+s$")
        # Several 5 s collection cycles fit in it, and a 4 s collector
        # deadline past the interval does not trip it.
        self.assertGreaterEqual(int(watchdog[:-1]), 20)
        self.assertEqual(s["EnvironmentFile"], ["-/etc/default/host_exporter"])
        self.assertTrue(s["ExecStart"][0].startswith(
            "/usr/bin/host_exporter --config.file=/etc/host_exporter/config.json"))
        self.assertTrue(s["ExecStart"][0].endswith("$ARGS"))
        self.assertIn("/bin/kill -HUP $MAINPID", s["ExecReload"])
        self.assertEqual(s["CapabilityBoundingSet"], [""])
        self.assertEqual(s["Restart"], ["on-failure"])
        self.assertEqual(s["WantedBy"], ["multi-user.target"])


class SystemdAnalyzeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.analyze = systemd_analyze()
        cls.binary = harness.binary()
        cls.tmp = tempfile.mkdtemp(prefix="unit-")
        cls.unit = unit_copy(cls.tmp, cls.binary)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def run_analyze(self, *args):
        env = dict(os.environ, SYSTEMD_COLORS="0", SYSTEMD_PAGER="", LC_ALL="C.UTF-8")
        return subprocess.run([self.analyze] + list(args), env=env,
                              capture_output=True, text=True, timeout=120)

    def test_verify_is_clean(self):
        # --man=no: the man page is installed by the package only (the package
        # test verifies the installed unit with it).
        r = self.run_analyze("verify", "--man=no", self.unit)
        complaints = [l for l in (r.stdout + r.stderr).splitlines()
                      if "host_exporter" in l]
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(complaints, [])

    def test_security_exposure_at_most_2(self):
        r = self.run_analyze("security", "--offline=true", self.unit)
        m = re.search(r"Overall exposure level for host_exporter\.service: "
                      r"(\d+(?:\.\d+)?)", r.stdout)
        self.assertIsNotNone(m, r.stdout + r.stderr)
        exposure = float(m.group(1))
        print("systemd-analyze security exposure: %.1f" % exposure)
        self.assertLessEqual(exposure, MAX_EXPOSURE, r.stdout)
        # The same through systemd's own threshold (exposure x 10).
        r = self.run_analyze("security", "--offline=true",
                             "--threshold=%d" % int(MAX_EXPOSURE * 10), self.unit)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)


def collector_names(binary):
    out = subprocess.run([binary, "--help"], capture_output=True, text=True,
                         timeout=60).stdout
    return sorted(set(re.findall(r"Enable the ([a-z0-9_]+) collector", out)))


def collector_success(text):
    series, _ = harness.parse_exposition(text)
    return {dict(labels)["collector"]: value
            for (name, labels), value in series.items()
            if name == "node_scrape_collector_success"}


def metric_names(text):
    series, _ = harness.parse_exposition(text)
    return {name for name, _ in series}


def series_for(text, name, mountpoint):
    series, _ = harness.parse_exposition(text)
    return {dict(labels).get("fstype"): value for (n, labels), value in series.items()
            if n == name and dict(labels).get("mountpoint") == mountpoint}


def syscall_groups(analyze):
    """{"@group": [members]} from `systemd-analyze syscall-filter`."""
    out = subprocess.run([analyze, "syscall-filter"], capture_output=True, text=True,
                         timeout=60).stdout
    groups, current = {}, None
    for line in out.splitlines():
        if line.startswith("@"):
            current = line.strip()
            groups[current] = []
        elif line.startswith(" ") and current and not line.strip().startswith("#"):
            groups[current].append(line.strip())
        elif not line.strip():
            current = None
    return groups


def expand(names, groups):
    out = set()
    for n in names:
        out |= expand(groups[n], groups) if n.startswith("@") else {n}
    return out


def seccomp_spec(settings, analyze):
    """The unit's SystemCallFilter= (allow-list form, applied in order, with
    the implicit @default), SystemCallErrorNumber= and
    RestrictAddressFamilies=, as systemd 252 applies them."""
    groups = syscall_groups(analyze)
    allowed = None
    for entry in settings.get("SystemCallFilter", []):
        invert = entry.startswith("~")
        names = expand(entry.lstrip("~").split(), groups)
        if allowed is None:
            if invert:
                raise AssertionError("deny-list SystemCallFilter= is not emulated")
            allowed = expand(["@default"], groups) | names
        elif invert:
            allowed -= names
        else:
            allowed |= names
    err = settings.get("SystemCallErrorNumber", ["EPERM"])[-1]
    families = [getattr(socket, f) for f in
                " ".join(settings.get("RestrictAddressFamilies", [])).split()]
    return {"allow": sorted(allowed or ()), "errno": getattr(errno, err),
            "families": families,
            "mdwe": settings.get("MemoryDenyWriteExecute", ["no"])[-1] == "yes"}


def seccomp_exec(spec_path, argv):
    """Loads the filters of seccomp_spec() and execs argv (run by Debian's
    python3, which has the seccomp module)."""
    import seccomp
    with open(spec_path) as f:
        spec = json.load(f)
    nope = seccomp.ERRNO(errno.EAFNOSUPPORT)
    extra = seccomp.SyscallFilter(seccomp.ALLOW)
    if spec["families"]:
        for af in range(64):
            if af not in spec["families"]:
                extra.add_rule(nope, "socket", seccomp.Arg(0, seccomp.EQ, af))
        extra.add_rule(nope, "socket", seccomp.Arg(0, seccomp.GE, 64))
    if spec["mdwe"]:
        wx = mmap.PROT_WRITE | mmap.PROT_EXEC
        deny = seccomp.ERRNO(errno.EPERM)
        extra.add_rule(deny, "mmap", seccomp.Arg(2, seccomp.MASKED_EQ, wx, wx))
        extra.add_rule(deny, "mprotect",
                       seccomp.Arg(2, seccomp.MASKED_EQ, mmap.PROT_EXEC, mmap.PROT_EXEC))
    extra.load()
    if spec["allow"]:
        allow = seccomp.SyscallFilter(seccomp.ERRNO(spec["errno"]))
        for name in spec["allow"]:
            try:
                allow.add_rule(seccomp.ALLOW, name)
            except Exception:  # not a system call of this architecture
                pass
        allow.load()
    os.execv(argv[0], argv)


class Sandbox:
    """Runs host_exporter --once with every collector on the real /proc and
    /sys: as root, and as the unit runs it (as far as this can be done
    without a system manager): user nobody, no capabilities, no new
    privileges, a read-only root, and, where Debian's python3-seccomp is
    installed, the unit's system-call filter, address families and
    MemoryDenyWriteExecute=."""

    def __init__(self, binary):
        if os.geteuid() != 0:
            raise unittest.SkipTest("needs root (unshare, setpriv)")
        for tool in ("unshare", "setpriv"):
            if not shutil.which(tool):
                raise unittest.SkipTest(tool + " not installed")
        probe = subprocess.run(
            ["unshare", "--mount", "--propagation", "slave", "sh", "-c",
             "mount -o remount,bind,ro / && ! touch /.host_exporter_probe 2>/dev/null"],
            capture_output=True, text=True)
        if probe.returncode != 0:
            raise unittest.SkipTest("cannot make a read-only mount namespace here: " +
                                    probe.stderr.strip())
        # Copies the unprivileged user can reach (the build tree may be under
        # a directory it cannot enter).
        self.tmp = tempfile.mkdtemp(prefix="sandbox-")
        os.chmod(self.tmp, 0o755)
        self.binary = os.path.join(self.tmp, "host_exporter")
        shutil.copy2(binary, self.binary)
        for f in (__file__, harness.__file__):
            shutil.copy2(f, self.tmp)
        names = collector_names(self.binary)
        if not names:
            raise AssertionError("no --collector.<name> flags in --help")
        # Deadlines generous enough that a slow machine does not make the
        # runs differ.
        self.args = ["--once", "--collection.interval=2m", "--collector.timeout=1m"]
        self.args += ["--collector." + n for n in names]
        self.env = dict(os.environ, ASAN_OPTIONS="detect_leaks=0")

    def close(self):
        shutil.rmtree(self.tmp)

    def run(self, argv):
        r = subprocess.run(argv, capture_output=True, text=True, env=self.env, timeout=300,
                           cwd=self.tmp)
        if r.returncode != 0:
            raise AssertionError("%s exited %d: %s" % (argv, r.returncode, r.stderr))
        return r.stdout

    def as_root(self):
        return self.run([self.binary] + self.args)

    def sandboxed(self, seccomp=False):
        prefix = []
        if seccomp:
            spec = os.path.join(self.tmp, "seccomp.json")
            with open(spec, "w") as f:
                json.dump(seccomp_spec(unit_settings(unit_text()), systemd_analyze()), f)
            prefix = ["/usr/bin/python3", os.path.join(self.tmp, os.path.basename(__file__)),
                      "--seccomp-exec", spec]
        return self.run(
            ["unshare", "--mount", "--propagation", "slave", "sh", "-c",
             'mount -o remount,bind,ro / && exec "$@"', "sh",
             "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
             "--no-new-privs", "--inh-caps=-all", "--bounding-set=-all"] +
            prefix + [self.binary] + self.args)

    def seccomp_unavailable(self):
        """Why the seccomp part cannot run here, or None."""
        r = subprocess.run(["/usr/bin/python3", "-c", "import seccomp"],
                           capture_output=True)
        if r.returncode != 0:
            return "Debian's python3-seccomp is not installed"
        with open(self.binary, "rb") as f:
            if b"AddressSanitizer" in f.read():
                # The sanitizer runtimes make system calls that no service
                # needs; the package test runs this on the packaged binary.
                return "a sanitized build"
        return None


def check_sandboxed(test, root, sandboxed, what):
    """Every collector that works as root works sandboxed; the filesystem
    collector reports the host's mount state and sizes."""
    as_root = collector_success(root)
    boxed = collector_success(sandboxed)
    test.assertEqual(set(as_root), set(boxed))
    lost = sorted(c for c, ok in as_root.items()
                  if ok == 1 and boxed.get(c) != 1 and c not in ROOT_ONLY)
    print("collectors working as root: %d, %s: %d" %
          (sum(1 for v in as_root.values() if v == 1), what,
           sum(1 for v in boxed.values() if v == 1)), file=sys.stderr)
    test.assertEqual(lost, [], "collectors that fail only " + what)
    # A collector may also succeed with less (timex reports nothing when
    # adjtimex(2) is denied, as node_exporter's does): compare metric names.
    missing = sorted(n for n in metric_names(root) - metric_names(sandboxed)
                     if not n.startswith(tuple("node_%s_" % c for c in ROOT_ONLY)))
    test.assertEqual(missing, [], "metrics missing " + what)
    # ProtectSystem=strict makes / read-only inside the service; the exporter
    # must still report the host's view (from /proc/1/mounts), and statfs()
    # the same file system.
    for name in ("node_filesystem_readonly", "node_filesystem_size_bytes"):
        test.assertEqual(series_for(root, name, "/"), series_for(sandboxed, name, "/"), name)


class SandboxedCollectorsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.box = Sandbox(harness.binary())
        cls.root = cls.box.as_root()

    @classmethod
    def tearDownClass(cls):
        cls.box.close()

    def test_unprivileged_read_only(self):
        check_sandboxed(self, self.root, self.box.sandboxed(), "sandboxed")

    def test_unprivileged_read_only_with_the_unit_seccomp_filter(self):
        why = self.box.seccomp_unavailable()
        if why:
            self.skipTest("seccomp emulation skipped: " + why)
        check_sandboxed(self, self.root, self.box.sandboxed(seccomp=True),
                        "sandboxed with the system-call filter")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--seccomp-exec"]:
        seccomp_exec(sys.argv[2], sys.argv[3:])
    harness.main()
