"""Node.js tools of the end-to-end tests (tests/node/): installs them with
`npm ci` from the committed package-lock.json, once per build directory.

The install goes to $HOST_EXPORTER_NODE_DIR, else to node-tools/ beside the
binary under test (the build directory), else to a directory under /tmp. The
scripts of tests/node/ are copied there, so Node resolves their imports from
that node_modules/.
"""
import fcntl
import filecmp
import os
import shutil
import subprocess
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.join(os.path.dirname(HERE), "node")


def _install_dir():
    if os.environ.get("HOST_EXPORTER_NODE_DIR"):
        return os.environ["HOST_EXPORTER_NODE_DIR"]
    exe = os.environ.get("HOST_EXPORTER")
    if exe:
        return os.path.join(os.path.dirname(os.path.abspath(exe)), "node-tools")
    return os.path.join(tempfile.gettempdir(), "host_exporter-node-tools-%d" % os.getuid())


def node():
    """The node executable, or SkipTest naming the Debian packages."""
    exe = shutil.which("node") or shutil.which("nodejs")
    if not exe or not shutil.which("npm"):
        raise unittest.SkipTest("Node.js and npm are not installed "
                                "(apt-get install nodejs npm)")
    return exe


def ensure():
    """The directory holding tests/node's scripts and their node_modules."""
    node()
    d = _install_dir()
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # tests run in parallel
        lockfile = os.path.join(d, "package-lock.json")
        installed = os.path.join(d, "node_modules", ".package-lock.json")
        fresh = (os.path.exists(installed) and os.path.exists(lockfile) and
                 filecmp.cmp(lockfile, os.path.join(SOURCE, "package-lock.json"),
                             shallow=False))
        for name in os.listdir(SOURCE):
            if name.endswith((".json", ".mjs")):
                shutil.copyfile(os.path.join(SOURCE, name), os.path.join(d, name))
        if not fresh:
            r = subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                               cwd=d, capture_output=True, text=True, timeout=600)
            if r.returncode != 0:
                raise AssertionError("npm ci in %s failed:\n%s%s" % (d, r.stdout, r.stderr))
    return d


def run(script, args, timeout=300):
    """Runs tests/node/<script> with node; returns the CompletedProcess."""
    d = ensure()
    return subprocess.run([node(), os.path.join(d, script)] + list(args), cwd=d,
                          capture_output=True, text=True, timeout=timeout)
