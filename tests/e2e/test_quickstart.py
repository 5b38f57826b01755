"""The quick start's install step (`scripts/quickstart packages`) with fake
apt-get, dpkg-query and sudo on PATH: as root and through sudo, with and
without an existing policy-rc.d (Debian's container images ship one), and
with a failing apt-get. Every run that does not succeed must say why on
stderr; a silent non-zero exit fails the test.

The policy-rc.d path is redirected into a temporary directory
(QUICKSTART_POLICY_RC_D), so nothing on this machine is touched.
"""
import os
import shutil
import stat
import subprocess
import tempfile
import unittest

import harness

SCRIPT = os.path.join(harness.SOURCE_ROOT, "scripts", "quickstart")

FAKE_DPKG_QUERY = """#!/bin/sh
# Nothing is installed.
exit 1
"""

# Records each call; `install` also records whether policy-rc.d was there.
FAKE_APT_GET = """#!/bin/sh
echo "apt-get $*" >> "$FAKE_LOG"
case " $* " in
  *" install "*)
    if [ -e "$QUICKSTART_POLICY_RC_D" ]; then
      echo "policy present: $(tail -n1 "$QUICKSTART_POLICY_RC_D")" >> "$FAKE_LOG"
    else
      echo "policy absent" >> "$FAKE_LOG"
    fi
    exit "${FAKE_APT_INSTALL_RC:-0}" ;;
esac
exit 0
"""

FAKE_SUDO = """#!/bin/sh
echo "sudo $*" >> "$FAKE_LOG"
exec "$@"
"""


class QuickstartInstallTest(unittest.TestCase):
    def setUp(self):
        if os.geteuid() != 0:
            self.skipTest("needs root (as CI runs) to run as root and as nobody")
        self.tmp = tempfile.mkdtemp(prefix="quickstart-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        os.chmod(self.tmp, 0o777)
        self.bin = os.path.join(self.tmp, "bin")
        os.mkdir(self.bin)
        os.chmod(self.bin, 0o755)
        for name, text in (("dpkg-query", FAKE_DPKG_QUERY),
                           ("apt-get", FAKE_APT_GET), ("sudo", FAKE_SUDO)):
            path = os.path.join(self.bin, name)
            with open(path, "w") as f:
                f.write(text)
            os.chmod(path, 0o755)
        self.policy = os.path.join(self.tmp, "policy-rc.d")
        self.log = os.path.join(self.tmp, "calls.log")

    def run_install(self, as_nobody=False, existing_policy=False, apt_rc=0):
        if existing_policy:
            with open(self.policy, "w") as f:
                f.write("#!/bin/sh\n# the image's own\nexit 101\n")
            os.chmod(self.policy, 0o755)
        open(self.log, "w").close()
        os.chmod(self.log, 0o666)
        env = {"PATH": self.bin + ":/usr/sbin:/usr/bin:/sbin:/bin",
               "FAKE_LOG": self.log, "QUICKSTART_POLICY_RC_D": self.policy,
               "FAKE_APT_INSTALL_RC": str(apt_rc), "HOME": self.tmp}
        cmd = [SCRIPT, "packages"]
        if as_nobody:
            cmd = ["setpriv", "--reuid=nobody", "--regid=nogroup",
                   "--clear-groups"] + cmd
        r = subprocess.run(cmd, env=env, capture_output=True, text=True,
                           timeout=60, stdin=subprocess.DEVNULL)
        with open(self.log) as f:
            calls = f.read()
        if r.returncode != 0:
            self.assertTrue(r.stderr.strip(),
                            "exit %d without a word on stderr (stdout: %r)"
                            % (r.returncode, r.stdout))
        return r, calls

    def check_success(self, r, calls, existing_policy, sudo):
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("quickstart: packages installed", r.stdout)
        self.assertIn("apt-get update", calls)
        self.assertRegex(calls, r"apt-get install -y -qq --no-install-recommends "
                                r"g\+\+ meson .*influxdb")
        # The install ran with a policy-rc.d in place that refuses starts.
        self.assertIn("policy present: exit 101", calls)
        if existing_policy:
            with open(self.policy) as f:
                self.assertIn("the image's own", f.read())
        else:
            self.assertFalse(os.path.exists(self.policy),
                             "the temporary policy-rc.d was left behind")
        self.assertEqual("sudo " in calls, sudo, calls)

    def test_root_without_policy(self):
        r, calls = self.run_install()
        self.check_success(r, calls, existing_policy=False, sudo=False)

    def test_root_with_existing_policy(self):
        # The image's policy-rc.d: the case that once ended the script
        # silently with exit 1 after a successful install.
        r, calls = self.run_install(existing_policy=True)
        self.check_success(r, calls, existing_policy=True, sudo=False)

    def test_sudo_without_policy(self):
        r, calls = self.run_install(as_nobody=True)
        self.check_success(r, calls, existing_policy=False, sudo=True)

    def test_sudo_with_existing_policy(self):
        r, calls = self.run_install(as_nobody=True, existing_policy=True)
        self.check_success(r, calls, existing_policy=True, sudo=True)

    def test_failing_install_says_why_and_cleans_up(self):
        for existing in (False, True):
            with self.subTest(existing_policy=existing):
                if os.path.exists(self.policy):
                    os.remove(self.policy)
                r, _ = self.run_install(existing_policy=existing, apt_rc=100)
                self.assertNotEqual(r.returncode, 0)
                self.assertIn("apt-get install failed for: g++ meson", r.stderr)
                self.assertEqual(os.path.exists(self.policy), existing)

    def test_usage_error_says_why(self):
        r = subprocess.run([SCRIPT, "nonsense"], capture_output=True, text=True,
                           timeout=30)
        self.assertEqual(r.returncode, 2)
        self.assertIn("usage: scripts/quickstart", r.stderr)


class ShellcheckTest(unittest.TestCase):
    """Every shell script of the repository is shellcheck-clean."""

    def test_scripts_are_clean(self):
        if not shutil.which("shellcheck"):
            self.skipTest("shellcheck is not installed (Debian package shellcheck)")
        scripts = []
        for d in ("scripts", ".ci", "tests/fuzz", "packaging/debian"):
            full = os.path.join(harness.SOURCE_ROOT, d)
            for name in sorted(os.listdir(full)):
                path = os.path.join(full, name)
                if not os.path.isfile(path):
                    continue
                with open(path, "rb") as f:
                    first = f.readline()
                if first.startswith(b"#!") and (b"sh" in first.split(b"/")[-1]
                                                or b"bash" in first):
                    scripts.append(path)
        self.assertIn(os.path.join(harness.SOURCE_ROOT, "scripts", "quickstart"),
                      scripts)
        self.assertIn(os.path.join(harness.SOURCE_ROOT, ".ci", "run"), scripts)
        r = subprocess.run(["shellcheck"] + scripts, capture_output=True,
                           text=True, timeout=120)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        print("\nshellcheck: %d scripts clean" % len(scripts))


if __name__ == "__main__":
    harness.main()
