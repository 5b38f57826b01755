"""node_exporter's flags, as real deployments pass them.

- every entry of node_exporter 1.5's and 1.9's `--help` (captured from the
  real binaries by scripts/capture-node-exporter-help into
  tests/fixtures/node_exporter_help/) is accepted by
  `host_exporter --check-config`: with its default or a value of its kind,
  and each switch also negated (--no-...);
- host_exporter starts with the argument lists of the community Helm chart
  (prometheus-community/prometheus-node-exporter), kube-prometheus'
  node-exporter DaemonSet and a systemd unit with extra collectors, their
  paths mapped onto the fixture root and their listen address onto
  loopback, and serves a scrape.
"""
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import unittest

import harness

HELP_DIR = os.path.join(harness.SOURCE_ROOT, "tests", "fixtures", "node_exporter_help")
VERSIONS = ("1.5", "1.9")

# A value for the flags whose --help shows a placeholder, not a default.
PLACEHOLDER_VALUES = {
    "collector.perf.tracepoint": "sched:sched_switch",
    "collector.perf.hardware-profilers": "CpuCycles",
    "collector.perf.software-profilers": "ContextSwitch",
    "collector.perf.cache-profilers": "L1DataReadHit",
    "collector.sysctl.include": "vm.swappiness",
    "collector.sysctl.include-info": "kernel.osrelease",
}
# Entries that end the program at once: they are run alone.
EXITING = {"help", "version"}


def help_entries(version):
    """[(flag, value or None)] of one captured --help: value is the default
    shown (Go-unquoted), a value of the flag's kind for a placeholder, None
    for a switch."""
    with open(os.path.join(HELP_DIR, version + ".txt")) as f:
        text = f.read()
    out = []
    for line in text.splitlines():
        m = re.match(r"^ {2,6}(?:-\w, )?--([a-z][\w.-]*)(?:=(\S+))?(?: \.\.\.)?(?:\s|$)", line)
        if not m:
            continue
        name, shown = m.group(1), m.group(2)
        if shown is None:
            out.append((name, None))
        elif shown.startswith('"'):
            # Go's %q: a quoted string with backslash escapes.
            out.append((name, re.sub(r"\\(.)", r"\1", shown[1:-1])))
        elif shown == shown.upper() and re.search(r"[A-Z]", shown):
            out.append((name, PLACEHOLDER_VALUES.get(name, "^x$")))
        else:
            out.append((name, shown))
    return out


def run(args):
    return subprocess.run([harness.binary()] + args, capture_output=True, text=True,
                          timeout=60)


class EveryHelpEntry(unittest.TestCase):
    def test_captured_help_is_complete(self):
        # 138 entries in 1.5, 161 in 1.9 (kingpin
        # lists -h/--help and --version too).
        self.assertEqual(len(help_entries("1.5")), 138)
        self.assertEqual(len(help_entries("1.9")), 161)

    def check_all(self, version, negate):
        args = []
        for name, value in help_entries(version):
            if name in EXITING:
                continue
            if value is None:
                args.append(("--no-" if negate else "--") + name)
            else:
                args.append("--%s=%s" % (name, value))
        # An include and its exclude are mutually exclusive (node_exporter
        # refuses both given at once too): the includes go in a run of their
        # own. --check-config binds nothing, and --web.systemd-socket needs
        # LISTEN_FDS at start-up only.
        includes = [a for a in args if re.match(r"--[\w.]+\.[\w-]*include=", a)]
        rest = [a for a in args if a not in includes]
        for group in (rest, includes):
            r = run(group + ["--check-config"])
            if r.returncode != 0:
                refused = [a for a in group if run([a, "--check-config"]).returncode != 0]
                self.fail("node_exporter %s flags refused (negated: %s): %s\n%s"
                          % (version, negate, refused, r.stderr))

    def test_every_entry(self):
        for version in VERSIONS:
            with self.subTest(version=version):
                self.check_all(version, negate=False)

    def test_every_switch_negated(self):
        for version in VERSIONS:
            with self.subTest(version=version):
                self.check_all(version, negate=True)

    def test_help_and_version(self):
        for flag in ("-h", "--help", "--version"):
            r = run([flag])
            self.assertEqual(r.returncode, 0, (flag, r.stderr))
            self.assertTrue(r.stdout.strip(), flag)


def deployment_args(root, port):
    """The argument lists of real deployments, their paths mapped onto
    `root` and their listen address onto 127.0.0.1:port."""
    proc, sys_, udev = (os.path.join(root, "proc"), os.path.join(root, "sys"),
                        os.path.join(root, "run", "udev", "data"))
    return {
        # prometheus-community/helm-charts, charts/prometheus-node-exporter,
        # templates/daemonset.yaml (HOST_IP=127.0.0.1 as with kube-rbac-proxy)
        # with the chart's README example of extraArgs.
        "helm": [
            "--path.procfs=" + proc,
            "--path.sysfs=" + sys_,
            "--path.rootfs=" + root,
            "--path.udev.data=" + udev,
            "--web.listen-address=[127.0.0.1]:%d" % port,
            "--collector.filesystem.mount-points-exclude="
            "^/(dev|proc|sys|var/lib/docker/.+|var/lib/kubelet/.+)($|/)",
            "--collector.filesystem.fs-types-exclude="
            "^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|"
            "hugetlbfs|iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|"
            "selinuxfs|squashfs|sysfs|tracefs)$",
        ],
        # prometheus-operator/kube-prometheus, manifests/nodeExporter-daemonset.yaml
        # (no --path.procfs there: the pod has the host's PID namespace).
        "kube-prometheus": [
            "--web.listen-address=127.0.0.1:%d" % port,
            "--path.procfs=" + proc,
            "--path.sysfs=" + sys_,
            "--path.rootfs=" + root,
            "--path.udev.data=" + udev,
            "--no-collector.wifi",
            "--no-collector.hwmon",
            "--no-collector.btrfs",
            "--collector.filesystem.mount-points-exclude="
            "^/(dev|proc|sys|run/k3s/containerd/.+|var/lib/docker/.+|var/lib/kubelet/pods/.+)($|/)",
            "--collector.netclass.ignored-devices=^(veth.*|[a-f0-9]{15})$",
            "--collector.netdev.device-exclude=^(veth.*|[a-f0-9]{15})$",
        ],
        # A systemd unit's ExecStart= with extra collectors, as commonly
        # written for node_exporter (runtime and exporter-metrics flags, the
        # default-off collectors, some host_exporter has not got).
        "systemd unit": [
            "--web.listen-address=[127.0.0.1]:%d" % port,
            "--path.procfs=" + proc,
            "--path.sysfs=" + sys_,
            "--path.rootfs=" + root,
            "--runtime.gomaxprocs=1",
            "--web.disable-exporter-metrics",
            "--collector.systemd",
            "--collector.systemd.unit-include=(sshd|nginx)\\.service",
            "--collector.processes",
            "--collector.interrupts",
            "--collector.tcpstat",
            "--collector.ntp",
            "--collector.ntp.server=127.0.0.1",
            "--collector.logind",
            "--collector.arp.netlink",
            "--collector.buddyinfo",
            "--collector.qdisc",
            "--collector.qdisk.device-include=^eth",
            "--collector.sysctl",
            "--collector.sysctl.include=kernel.pid_max",
            "--collector.textfile.directory=" + os.path.join(root, "textfile"),
            "--log.level=info",
        ],
    }


class Deployments(unittest.TestCase):
    def test_deployments_start_and_serve(self):
        for name in ("helm", "kube-prometheus", "systemd unit"):
            with self.subTest(deployment=name):
                port = harness.free_port()
                args = deployment_args(harness.FIXTURE_ROOT, port)[name]
                with harness.Exporter(args, port) as e:
                    series = harness.wait_for(
                        "a scrape with node_load1",
                        lambda: (lambda s: s if any(n == "node_load1" for n, _ in s) else None)(
                            harness.scrape_series(port)))
                    names = {n for n, _ in series}
                    self.assertIn("node_scrape_collector_success", names)
                    self.assertIn("host_exporter_build_info", names)
                    process = [n for n in names if n.startswith("process_")]
                    if name == "systemd unit":
                        # --web.disable-exporter-metrics, as node_exporter:
                        # no process_* (its build info stays).
                        self.assertEqual(process, [])
                        self.assertIn("node_sysctl_kernel_pid_max", names)
                        self.assertIn("node_buddyinfo_blocks", names)
                    else:
                        self.assertIn("process_start_time_seconds", process)
                    if name == "kube-prometheus":
                        collectors = {dict(ls).get("collector") for n, ls in series
                                      if n == "node_scrape_collector_success"}
                        self.assertNotIn("hwmon", collectors)
                        self.assertNotIn("btrfs", collectors)
                    log = e.output()
                    # The systemd and logind collectors need the system bus
                    # and ntp an NTP server on 127.0.0.1:123, which a build
                    # machine may not have; anything else is an error.
                    errors = [l for l in log.splitlines()
                              if "level=error" in l and "collector=systemd" not in l
                              and "collector=logind" not in l
                              and "collector=ntp" not in l]
                    self.assertEqual(errors, [])
                    if name == "systemd unit":
                        # A flag without effect here: logged once.
                        self.assertEqual(log.count("flag --collector.arp.netlink:"), 1, log)
                        # 1.5's qdisk spelling is the qdisc collector's
                        # device-include: no notice.
                        self.assertEqual(log.count("flag --collector.qdisk.device-include:"),
                                         0, log)


class Flags(unittest.TestCase):
    def test_udev_data_path(self):
        """--path.udev.data is where node_disk_info's udev labels come from
        (not /run/udev/data under --path.rootfs)."""
        src = os.path.join(harness.FIXTURE_ROOT, "run", "udev", "data")
        with tempfile.TemporaryDirectory() as tmp:
            udev = os.path.join(tmp, "udev")
            shutil.copytree(src, udev)
            path = os.path.join(udev, "b8:0")
            with open(path) as f:
                text = f.read()
            self.assertIn("E:ID_SERIAL_SHORT=", text)
            with open(path, "w") as f:
                # node_exporter 1.9 takes SCSI_IDENT_SERIAL first.
                f.write(re.sub(r"E:(ID_SERIAL_SHORT|SCSI_IDENT_SERIAL)=.*",
                               r"E:\1=MOVED-UDEV-1", text))
            r = run(harness.fixture_flags() + [
                "--path.udev.data=" + udev, "--collector.disable-defaults",
                "--collector.diskstats", "--once"])
            self.assertEqual(r.returncode, 0, r.stderr)
            info = [l for l in r.stdout.splitlines()
                    if l.startswith("node_disk_info{") and 'device="sda"' in l]
            self.assertEqual(len(info), 1, r.stdout[-2000:])
            self.assertIn('serial="MOVED-UDEV-1"', info[0])

    def test_systemd_socket(self):
        """--web.systemd-socket serves on the listening socket passed as
        systemd does (fd 3, LISTEN_FDS=1, LISTEN_PID), not on
        --web.listen-address; without one, start-up fails with a message."""
        exe = harness.binary()
        lst = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        lst.bind(("127.0.0.1", 0))
        lst.listen(16)
        port = lst.getsockname()[1]
        unused = harness.free_port()
        fd = lst.fileno()
        # systemd's first socket is descriptor 3 (sh takes one digit).
        self.assertLess(fd, 10)
        move = "" if fd == 3 else " 3<&%d %d<&-" % (fd, fd)
        env = dict(os.environ, LISTEN_FDS="1", TZ="UTC")
        with tempfile.TemporaryFile() as log:
            proc = subprocess.Popen(
                ["sh", "-c", 'export LISTEN_PID=$$; exec "$@"' + move, "sh", exe,
                 "--web.systemd-socket", "--web.listen-address=127.0.0.1:%d" % unused]
                + harness.fixture_flags(),
                env=env, pass_fds=(fd,), stdout=log, stderr=log)
            lst.close()
            try:
                series = harness.wait_for(
                    "a scrape on the systemd socket",
                    lambda: (lambda s: s if s and any(n == "node_load1" for n, _ in s)
                             else None)(_try_scrape(port)))
                self.assertIn(("node_load1", frozenset()), series)
                with self.assertRaises(OSError):
                    socket.create_connection(("127.0.0.1", unused), timeout=1).close()
            finally:
                proc.terminate()
                proc.wait(10)
            log.seek(0)
            self.assertIn(b"Listening on sockets from systemd", log.read())
        r = run(["--web.systemd-socket"] + harness.fixture_flags())
        self.assertEqual(r.returncode, 1)
        self.assertIn("--web.systemd-socket: no socket from systemd", r.stderr)


def _try_scrape(port):
    try:
        return harness.scrape_series(port)
    except (OSError, AssertionError):
        return None


if __name__ == "__main__":
    harness.main()
