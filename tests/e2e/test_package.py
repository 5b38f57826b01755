"""The Debian package: built once by scripts/build-deb, then checked.

- its sources agree with the project (Build-Depends cover scripts/quickstart's
  build packages, the changelog carries meson's version);
- `dpkg-deb --contents` / `--info`: the files, modes, conffiles, unit and
  maintainer scripts; the man page; lintian reports no error;
- as root: `dpkg -i`, a modified conffile kept over a reinstall and an
  upgrade, `dpkg -r` (conffiles stay), `dpkg -P` (everything goes). Services
  are not started (a temporary policy-rc.d; without a running systemd nothing
  would start anyway).

The build compiles the whole project once more (a few minutes on 2 cores),
so this file is the meson test suite 'package'.
"""
import contextlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

import harness

ROOT = harness.SOURCE_ROOT
DEBIAN = os.path.join(ROOT, "packaging", "debian")
PACKAGE = "host-exporter"
CONFFILES = ["/etc/default/host_exporter", "/etc/host_exporter/config.json"]
UNIT_PATH = "/lib/systemd/system/host_exporter.service"
WANTS_LINK = "/etc/systemd/system/multi-user.target.wants/host_exporter.service"
# Quickstart packages that are not build dependencies of the package:
# build-essential covers dpkg-dev, ca-certificates is for apt-get source.
NOT_BUILD_DEPENDS = {"ca-certificates", "dpkg-dev"}


def read(path):
    with open(path) as f:
        return f.read()


def meson_version():
    m = re.search(r"project\([^)]*?version\s*:\s*'([^']+)'", read(os.path.join(ROOT, "meson.build")),
                  re.S)
    return m.group(1)


def changelog_version():
    m = re.match(r"\S+ \(([^)]+)\)", read(os.path.join(DEBIAN, "changelog")))
    return m.group(1)


def build_depends():
    control = read(os.path.join(DEBIAN, "control"))
    m = re.search(r"^Build-Depends:(.*?)^\S", control, re.S | re.M)
    names = set()
    for item in m.group(1).split(","):
        item = item.strip()
        if item:
            names.add(re.split(r"[\s(<\[]", item, maxsplit=1)[0])
    return names


def quickstart_build_packages():
    text = read(os.path.join(ROOT, "scripts", "quickstart"))
    m = re.search(r"^build_pkgs=\((.*?)\)", text, re.S | re.M)
    return set(m.group(1).split())


def run(argv, **kw):
    kw.setdefault("capture_output", True)
    kw.setdefault("text", True)
    kw.setdefault("timeout", 600)
    return subprocess.run(argv, **kw)


class PackagingSourcesTest(unittest.TestCase):
    """Cheap checks of packaging/debian against the project."""

    def test_build_depends_cover_the_build_packages(self):
        missing = quickstart_build_packages() - NOT_BUILD_DEPENDS - build_depends()
        self.assertEqual(missing, set(),
                         "packages in scripts/quickstart's build_pkgs missing from "
                         "packaging/debian/control's Build-Depends")

    def test_changelog_version_is_the_project_version(self):
        self.assertEqual(changelog_version().split("-")[0], meson_version(),
                         "add a packaging/debian/changelog entry for the new version")

    def test_rules_is_executable(self):
        self.assertTrue(os.access(os.path.join(DEBIAN, "rules"), os.X_OK))


def tar_member(deb, member):
    fsys = subprocess.Popen(["dpkg-deb", "--fsys-tarfile", deb], stdout=subprocess.PIPE)
    with fsys.stdout:
        out = subprocess.run(["tar", "-xOf", "-", member], stdin=fsys.stdout,
                             capture_output=True, timeout=120)
    fsys.wait()
    if out.returncode != 0:
        raise AssertionError("%s not in %s: %s" % (member, deb, out.stderr.decode()))
    return out.stdout


@contextlib.contextmanager
def packaged_binary(deb):
    """The package's /usr/bin/host_exporter, written executable into a
    directory of its own that goes afterwards."""
    tmp = tempfile.mkdtemp(prefix="packaged-")
    try:
        binary = os.path.join(tmp, "host_exporter")
        with open(binary, "wb") as f:
            f.write(tar_member(deb, "./usr/bin/host_exporter"))
        os.chmod(binary, 0o755)
        yield binary
    finally:
        shutil.rmtree(tmp)


_BUILT = {}


def built():
    """Builds the package once per run: {deb, out, seconds}; SkipTest without the tools."""
    if "error" in _BUILT:
        raise AssertionError(_BUILT["error"])
    if "deb" in _BUILT:
        return _BUILT
    for tool in ("dpkg-buildpackage", "dh", "help2man"):
        if not shutil.which(tool):
            raise unittest.SkipTest(tool + " not installed "
                                    "(apt-get install dpkg-dev debhelper help2man)")
    out = tempfile.mkdtemp(prefix="package-")
    _BUILT["out"] = out
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("MALLOC_", "ASAN_", "UBSAN_", "LSAN_", "MESON_"))}
    env["DEB_BUILD_OPTIONS"] = "nocheck parallel=2"
    start = time.monotonic()
    r = run([os.path.join(ROOT, "scripts", "build-deb"), out], env=env, timeout=1500)
    seconds = time.monotonic() - start
    if r.returncode != 0:
        _BUILT["error"] = "scripts/build-deb failed (%d):\n%s\n%s" % (
            r.returncode, r.stdout[-20000:], r.stderr[-20000:])
        raise AssertionError(_BUILT["error"])
    print("package build took %.0fs" % seconds, file=sys.stderr)
    _BUILT.update(deb=r.stdout.strip().splitlines()[-1], seconds=seconds)
    return _BUILT


def tearDownModule():
    if "out" in _BUILT:
        shutil.rmtree(_BUILT["out"], ignore_errors=True)


class PackageTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.deb = built()["deb"]
        cls.arch = run(["dpkg", "--print-architecture"]).stdout.strip()
        cls.version = changelog_version()
        contents = run(["dpkg-deb", "--contents", cls.deb]).stdout
        # {path: (mode, owner)} with "./" stripped.
        cls.files = {}
        for line in contents.splitlines():
            fields = line.split()
            path = fields[5][1:]
            if len(path) > 1:
                cls.files[path.rstrip("/")] = (fields[0], fields[1])

    def info(self, *args):
        r = run(["dpkg-deb", "--info", self.deb] + list(args))
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout

    def test_file_name(self):
        self.assertEqual(os.path.basename(self.deb),
                         "%s_%s_%s.deb" % (PACKAGE, self.version, self.arch))

    def test_control_fields(self):
        control = self.info("control")
        self.assertIn("Package: %s\n" % PACKAGE, control)
        self.assertIn("Version: %s\n" % self.version, control)
        self.assertIn("Architecture: %s\n" % self.arch, control)
        depends = re.search(r"^Depends: (.*)$", control, re.M).group(1)
        # libcurl4, libssl3 and libsystemd0: dlopen()ed (push sinks; TLS and
        # basic auth; the D-Bus collectors), so not found by shlibs.
        for lib in ("libc6", "libsystemd0", "libssl3", "libcurl4"):
            self.assertIn(lib, depends)
        # Linked shared (Debian ships no static archive): found by shlibs.
        self.assertIn("libisal2", depends)
        # Linked statically (meson.build, link_static): not a dependency.
        for lib in ("libstdc++6", "libprotobuf-lite32", "libyaml-cpp0.7", "libsnappy1v5"):
            self.assertNotIn(lib, depends)

    def test_binary_needs_only_libc(self):
        """The packaged binary asks the loader for libc, libm, libcrypt (LGPL),
        zlib and expat (Debian's embedded-library) and ISA-L (no static
        archive in Debian) only: the other libraries it links are linked in
        (meson.build, link_static)."""
        with packaged_binary(self.deb) as binary:
            r = run(["readelf", "--dynamic", binary])
        self.assertEqual(r.returncode, 0, r.stderr)
        needed = sorted(re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", r.stdout))
        # The loader itself (ld-linux-<arch>) is libc's too.
        needed = [n for n in needed if not n.startswith("ld-linux")]
        self.assertEqual(needed, ["libc.so.6", "libcrypt.so.1", "libexpat.so.1",
                                  "libisal.so.2", "libm.so.6", "libz.so.1"])

    def test_files(self):
        expected = {
            "/usr/bin/host_exporter": "-rwxr-xr-x",
            UNIT_PATH: "-rw-r--r--",
            "/etc/host_exporter/config.json": "-rw-r--r--",
            "/etc/default/host_exporter": "-rw-r--r--",
            "/usr/share/man/man1/host_exporter.1.gz": "-rw-r--r--",
            "/usr/share/doc/host-exporter/copyright": "-rw-r--r--",
            "/usr/share/doc/host-exporter/changelog.gz": "-rw-r--r--",
        }
        for path, mode in expected.items():
            self.assertIn(path, self.files)
            self.assertEqual(self.files[path], (mode, "root/root"), path)

    def test_dashboards_and_rules(self):
        share = "/usr/share/host_exporter"
        wanted = []
        for name in sorted(os.listdir(os.path.join(ROOT, "grafana"))):
            if name.endswith(".json"):
                wanted.append(share + "/grafana/" + name)
        prov = os.path.join(ROOT, "grafana", "provisioning")
        for d, _, names in os.walk(prov):
            for name in names:
                wanted.append(share + "/" + os.path.relpath(os.path.join(d, name), ROOT))
        rules = os.path.join(ROOT, "packaging", "prometheus")
        if os.path.isdir(rules):
            for name in sorted(os.listdir(rules)):
                if name.endswith((".yml", ".yaml")):
                    wanted.append(share + "/prometheus/" + name)
        # Files added to the tree after the package was built are not in it;
        # the lists are read now, the build copied the tree a little earlier.
        missing = [w for w in wanted if w not in self.files]
        self.assertEqual(missing, [])
        print("shared files: %d" % len(wanted), file=sys.stderr)

    def test_nothing_from_the_build_leaks_in(self):
        allowed = ("/usr/bin", "/usr/share/doc/host-exporter", "/usr/share/man",
                   "/usr/share/host_exporter", "/etc/host_exporter", "/etc/default",
                   "/lib/systemd/system", "/etc", "/usr", "/usr/share", "/lib",
                   "/lib/systemd")
        stray = [p for p in self.files
                 if not any(p == a or p.startswith(a + "/") for a in allowed)]
        self.assertEqual(stray, [])
        for p in self.files:
            self.assertFalse(p.startswith(("/usr/include", "/usr/lib")), p)

    def test_conffiles(self):
        conffiles = self.info("conffiles").split()
        self.assertEqual(sorted(conffiles), CONFFILES)

    def test_maintainer_scripts(self):
        postinst = self.info("postinst")
        self.assertIn("deb-systemd-helper", postinst)
        self.assertIn("host_exporter.service", postinst)
        self.assertIn("deb-systemd-invoke", postinst)
        postrm = self.info("postrm")
        self.assertIn("purge", postrm)
        self.assertIn("/var/log/private/host_exporter", postrm)
        prerm = self.info("prerm")
        self.assertIn("host_exporter.service", prerm)

    def test_unit_is_the_projects(self):
        self.assertEqual(tar_member(self.deb, "." + UNIT_PATH).decode(),
                         read(os.path.join(ROOT, "packaging", "host_exporter.service")))

    def test_man_page_from_help(self):
        import gzip
        page = gzip.decompress(tar_member(self.deb, "./usr/share/man/man1/host_exporter.1.gz"))
        page = page.decode()
        head = page[:400]
        self.assertIsNotNone(re.search(r'(?m)^\.TH HOST_EXPORTER "1" ".*" "host_exporter %s"'
                                       % re.escape(self.version.split("-")[0]), page), head)
        for text in ("config.file", "collector.filesystem", ".SH FILES",
                     "/etc/host_exporter/config.json"):
            self.assertIn(text, page, head)

    def test_packaged_binary_names_its_commit(self):
        """--version of the packaged binary names the commit the package was
        built from (scripts/build-deb points git at the repository; the
        revision is written at build time), when built from a checkout."""
        head = run(["git", "-C", ROOT, "rev-parse", "--short=12", "HEAD"])
        with packaged_binary(self.deb) as binary:
            r = run([binary, "--version"])
        self.assertEqual(r.returncode, 0, r.stderr)
        if head.returncode != 0:
            self.assertIn("(revision: unknown,", r.stdout)
        else:
            self.assertIn("(revision: %s," % head.stdout.strip(), r.stdout)

    def test_packaged_binary_in_the_unit_sandbox(self):
        """The packaged binary, every collector, under the unit's restrictions
        (see test_systemd_unit.Sandbox), system-call filter included."""
        import test_systemd_unit as unit
        with packaged_binary(self.deb) as binary:
            box = unit.Sandbox(binary)
            try:
                why = box.seccomp_unavailable()
                if why:
                    print("seccomp emulation skipped: " + why, file=sys.stderr)
                unit.check_sandboxed(self, box.as_root(), box.sandboxed(seccomp=not why),
                                     "in the unit's sandbox")
            finally:
                box.close()

    def test_packaged_binary_keeps_little_of_its_code_resident(self):
        """The packaged binary's code mapping after 40 cycles and scrapes:
        the code they run is laid out together (meson.build,
        hot_code_order) and start-up's is let go after the third cycle
        (src/app/resident.h), so at most 2/5 of it is resident. Linked
        without the order, 58 % was (the kernel maps 64 KB around each
        fault); ordered, 22 % (build tree) and 27 % (package), 2026-12-07."""
        with packaged_binary(self.deb) as binary:
            port = harness.free_port()
            with harness.Exporter(["--web.listen-address=127.0.0.1:%d" % port,
                                   "--collection.interval=100ms"], port, exe=binary) as e:
                def cycles():
                    _, _, body = harness.request("127.0.0.1", port, "GET", "/metrics")
                    m = re.search(rb"^host_exporter_cycles_total (\S+)$", body, re.M)
                    return float(m.group(1)) if m else 0
                harness.wait_for("40 cycles", lambda: cycles() >= 40, timeout=60)
                size = rss = 0
                with open("/proc/%d/smaps" % e.pid) as f:
                    current = False
                    for line in f:
                        fields = line.split()
                        if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", line):
                            current = fields[1] == "r-xp" and fields[-1] == binary
                        elif current and fields[0] == "Size:":
                            size += int(fields[1])
                        elif current and fields[0] == "Rss:":
                            rss += int(fields[1])
        self.assertGreater(size, 0, "no code mapping of the packaged binary")
        print("code resident: %d of %d kB (%.0f %%)" % (rss, size, 100.0 * rss / size),
              file=sys.stderr)
        self.assertLess(rss, size * 2 / 5)

    def test_lintian_reports_no_error(self):
        if not shutil.which("lintian"):
            self.skipTest("lintian not installed")
        r = run(["lintian", "--display-level", ">=warning", self.deb],
                timeout=900)
        tags = [l for l in r.stdout.splitlines() if re.match(r"^[EWIPX]: ", l)]
        print("lintian: %d tags\n%s" % (len(tags), "\n".join(tags)), file=sys.stderr)
        errors = [l for l in tags if l.startswith("E: ")]
        self.assertEqual(errors, [], r.stdout + r.stderr)
        self.assertNotIn(r.returncode, (1, 3), "lintian failed to run: " + r.stderr)


class InstallTest(unittest.TestCase):
    """dpkg -i / reinstall / upgrade / -r / -P on this machine (root only)."""

    @classmethod
    def setUpClass(cls):
        if os.geteuid() != 0:
            raise unittest.SkipTest("dpkg -i needs root")
        cls.deb = built()["deb"]
        status = run(["dpkg-query", "-W", "-f=${Status}", PACKAGE]).stdout
        if "installed" in status and "not-installed" not in status:
            raise unittest.SkipTest(PACKAGE + " is already installed here: not touching it")

    def dpkg(self, *args):
        r = run(["dpkg", "--force-confdef", "--force-confold"] + list(args),
                stdin=subprocess.DEVNULL,
                env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
        self.assertEqual(r.returncode, 0, "dpkg %s:\n%s%s" % (" ".join(args), r.stdout, r.stderr))
        return r.stdout

    def status(self):
        return run(["dpkg-query", "-W", "-f=${Status}", PACKAGE]).stdout

    def upgrade_deb(self, tmp):
        """The built package with a higher version and unchanged files."""
        tree = os.path.join(tmp, "tree")
        r = run(["dpkg-deb", "-R", self.deb, tree])
        self.assertEqual(r.returncode, 0, r.stderr)
        control = os.path.join(tree, "DEBIAN", "control")
        text = read(control)
        version = changelog_version() + "+upgradetest1"
        with open(control, "w") as f:
            f.write(re.sub(r"(?m)^Version: .*$", "Version: " + version, text))
        deb = os.path.join(tmp, "upgrade.deb")
        r = run(["dpkg-deb", "--root-owner-group", "-b", tree, deb])
        self.assertEqual(r.returncode, 0, r.stderr)
        return deb, version

    def test_install_upgrade_remove_purge(self):
        policy = "/usr/sbin/policy-rc.d"
        own_policy = not os.path.exists(policy)
        if own_policy:
            with open(policy, "w") as f:
                f.write("#!/bin/sh\nexit 101\n")
            os.chmod(policy, 0o755)
        tmp = tempfile.mkdtemp(prefix="dpkg-")
        try:
            self.install_cycle(tmp)
        finally:
            run(["dpkg", "--purge", PACKAGE], stdin=subprocess.DEVNULL)
            if own_policy:
                os.unlink(policy)
            shutil.rmtree(tmp)

    def install_cycle(self, tmp):
        self.dpkg("-i", self.deb)
        self.assertEqual(self.status(), "install ok installed")
        for path in ["/usr/bin/host_exporter", UNIT_PATH] + CONFFILES:
            self.assertTrue(os.path.isfile(path), path)
        self.assertTrue(os.path.islink(WANTS_LINK), "unit not enabled")
        r = run(["/usr/bin/host_exporter", "--check-config",
                 "--config.file=/etc/host_exporter/config.json"])
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        analyze = shutil.which("systemd-analyze")
        if analyze:
            # The installed unit, man page included this time.
            r = run([analyze, "verify", UNIT_PATH], env=dict(os.environ, SYSTEMD_COLORS="0"))
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

        # The user's edits survive a reinstall and an upgrade.
        config = "/etc/host_exporter/config.json"
        mine = read(config).replace('"collection_interval": 5', '"collection_interval": 7')
        self.assertNotEqual(mine, read(config))
        with open(config, "w") as f:
            f.write(mine)
        with open("/etc/default/host_exporter", "a") as f:
            f.write('ARGS="--collector.systemd"\n')
        defaults = read("/etc/default/host_exporter")
        self.dpkg("-i", self.deb)
        self.assertEqual(read(config), mine)
        deb, version = self.upgrade_deb(tmp)
        self.dpkg("-i", deb)
        self.assertEqual(run(["dpkg-query", "-W", "-f=${Version}", PACKAGE]).stdout, version)
        self.assertEqual(read(config), mine)
        self.assertEqual(read("/etc/default/host_exporter"), defaults)
        self.assertFalse(os.path.exists(config + ".dpkg-new"))

        # Remove: the program goes, the configuration stays.
        self.dpkg("-r", PACKAGE)
        self.assertEqual(self.status(), "deinstall ok config-files")
        self.assertFalse(os.path.exists("/usr/bin/host_exporter"))
        self.assertFalse(os.path.exists(UNIT_PATH))
        self.assertEqual(read(config), mine)

        # Purge: everything goes.
        self.dpkg("-P", PACKAGE)
        self.assertIn(self.status(), ("", "unknown ok not-installed"))
        for path in CONFFILES + ["/etc/host_exporter", WANTS_LINK,
                                 "/etc/systemd/system/host_exporter.service"]:
            self.assertFalse(os.path.lexists(path), path)


if __name__ == "__main__":
    harness.main()
