"""Broken hosts: every fixture file truncated, emptied, filled with garbage,
removed, or made unreadable (replaced by a directory: root ignores file
modes). The exporter must not crash, and the damage must stay inside the
collectors that read that file (READERS): every other collector's series
unchanged.

The default run covers every procfs file and one file per sysfs directory,
each damaged two ways: filled with garbage, and one of the other four modes
in turn (so every mode meets about a fifth of the files).
HOST_EXPORTER_BROKEN_HOST=all damages every file in all five ways (the long
variant, about five times as long; see tests/reliability/README.md).
Which collector writes which family comes from 2 x log2(collectors) runs of
collector subsets (12 for the 49 default collectors; owners()), not from one
run per collector."""
import concurrent.futures
import os
import queue
import re
import shutil
import subprocess
import tempfile
import unittest

import harness

# Damaged runs at once, each on a copy of the root of its own.
WORKERS = 3

MODES = ["truncated", "empty", "garbage", "missing", "unreadable"]


def run_once(root, collectors=None):
    args = [harness.binary(), "--once"] + harness.fixture_flags(root) + [
        "--collector.textfile.directory=" + os.path.join(root, "textfile")]
    if collectors is not None:
        args += ["--collector.disable-defaults"] + ["--collector." + c for c in collectors]
    r = subprocess.run(args, capture_output=True, timeout=60,
                       env=dict(os.environ, TZ="UTC"))
    # The exposition must be valid UTF-8 whatever the files held.
    r.stdout = r.stdout.decode("utf-8")
    r.stderr = r.stderr.decode("utf-8", errors="replace")
    return r


VOLATILE = re.compile(r"^(node_scrape_collector_duration_seconds|node_time_seconds|process_|"
                      r"node_filesystem_(size|free|avail)_bytes|node_filesystem_files)")


def families(text):
    """{family: frozenset(lines)} without volatile values."""
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        name = re.split(r"[{ ]", line, 1)[0]
        if VOLATILE.match(name):
            line = line.rsplit(" ", 1)[0]
        out.setdefault(name, set()).add(line)
    return {k: frozenset(v) for k, v in out.items()}


def success(text):
    return dict(re.findall(r'node_scrape_collector_success\{collector="([^"]+)"\} (\d)', text))


def own_families(text):
    return {f for f in families(text)
            if not f.startswith(("node_scrape_collector_", "process_", "host_exporter_"))}


def owners(root, collectors):
    """{family: the collector that writes it}, from 2 x log2(collectors) runs
    rather than one run per collector: run 2i enables the collectors whose
    index has bit i set, run 2i+1 the others. A family written by one
    collector shows in exactly one run of each pair, and the runs it shows in
    spell that collector's index. A family that shows in both or neither run
    of a pair (two writers, or writers that need each other) is mapped the
    slow way, each collector run alone, the first writer owning it."""
    bits = max(1, (len(collectors) - 1).bit_length())
    subsets = []
    for i in range(bits):
        with_bit = [c for n, c in enumerate(collectors) if n >> i & 1]
        subsets += [with_bit, [c for c in collectors if c not in with_bit]]
    with concurrent.futures.ThreadPoolExecutor(WORKERS) as pool:
        runs = [own_families(r.stdout)
                for r in pool.map(lambda cs: run_once(root, cs), subsets)]
    owner, unclear = {}, set()
    for fam in set().union(*runs):
        index = 0
        for i in range(bits):
            shown = (fam in runs[2 * i], fam in runs[2 * i + 1])
            if shown not in ((True, False), (False, True)):
                unclear.add(fam)
                break
            index |= shown[0] << i
        else:
            if index < len(collectors):
                owner[fam] = collectors[index]
            else:
                unclear.add(fam)
    if unclear:
        with concurrent.futures.ThreadPoolExecutor(WORKERS) as pool:
            alone = list(pool.map(lambda c: run_once(root, [c]), collectors))
        for c, r in zip(collectors, alone):
            for fam in own_families(r.stdout) & unclear:
                owner.setdefault(fam, c)
    return owner


# Which collectors read which fixture file (the first matching pattern of
# its path under the root): damage to a file may change only those. A file
# no pattern names fails the test, so a new fixture gets its readers here.
READERS = [
    (r"proc/\d+/(stat|task/)", {"processes"}),
    (r"proc/(\d+|self)/(mounts|mountinfo)$", {"filesystem"}),
    (r"proc/self/mountstats$", {"mountstats"}),
    (r"proc/cpuinfo$", {"cpu"}),
    (r"proc/stat$", {"cpu", "stat", "processes"}),
    (r"proc/diskstats$", {"diskstats"}),
    (r"proc/fs/xfs/", {"xfs"}),
    (r"proc/interrupts$", {"interrupts"}),
    (r"proc/loadavg$", {"loadavg", "processes"}),
    (r"proc/mdstat$", {"mdadm"}),
    (r"proc/meminfo$", {"meminfo"}),
    (r"proc/net/arp$", {"arp"}),
    (r"proc/net/dev$", {"netdev"}),
    (r"proc/net/ip_vs", {"ipvs"}),
    (r"proc/net/(ipv6_)?route$", {"network_route"}),
    (r"proc/net/(netstat|snmp6?)$", {"netstat"}),
    (r"proc/net/rpc/nfs$", {"nfs"}),
    (r"proc/net/rpc/nfsd$", {"nfsd"}),
    (r"proc/net/sockstat6?$", {"sockstat"}),
    (r"proc/net/softnet_stat$", {"softnet"}),
    (r"proc/net/stat/nf_conntrack$", {"conntrack", "lnstat"}),
    (r"proc/net/stat/", {"lnstat"}),
    (r"proc/net/xfrm_stat$", {"xfrm"}),
    (r"proc/net/tcp6?$", {"tcpstat"}),
    (r"proc/net/udp6?$", {"udp_queues"}),
    (r"proc/pressure/", {"pressure"}),
    (r"proc/schedstat$", {"schedstat"}),
    (r"proc/spl/kstat/", {"zfs"}),
    (r"proc/sys/fs/file-nr$", {"filefd", "sysctl"}),
    (r"proc/sys/kernel/random/", {"entropy"}),
    (r"proc/sys/kernel/(pid_max|threads-max)$", {"processes", "sysctl"}),
    (r"proc/sys/kernel/hung_task_detect_count$", {"kernel_hung"}),
    (r"proc/sys/kernel/", {"uname", "sysctl"}),
    (r"proc/sys/net/netfilter/", {"conntrack"}),
    (r"proc/vmstat$", {"vmstat"}),
    (r"proc/softirqs$", {"softirqs"}),
    (r"proc/buddyinfo$", {"buddyinfo"}),
    (r"proc/zoneinfo$", {"zoneinfo"}),
    (r"proc/slabinfo$", {"slabinfo"}),
    (r"proc/drbd$", {"drbd"}),
    (r"proc/swaps$", {"swap"}),
    (r"proc/cgroups$", {"cgroups"}),
    (r"etc/selinux/|sys/fs/selinux/", {"selinux"}),
    (r"(etc|usr/lib)/os-release$", {"os"}),
    (r"run/udev/data/", {"diskstats"}),
    (r"textfile/", {"textfile"}),
    (r"sys/block/(dm-\d+/(dm/|size$|slaves/)|sd[i-n]/device/|nvme1n1/device/)",
     {"dmmultipath"}),
    (r"sys/block/", {"diskstats", "mdadm"}),
    (r"sys/class/dmi/", {"dmi"}),
    (r"sys/class/fc_host/", {"fibrechannel"}),
    (r"sys/class/hwmon/|sys/devices/platform/", {"hwmon"}),
    (r"sys/class/infiniband/", {"infiniband"}),
    (r"sys/class/net/bonding_masters$", {"bonding", "netclass"}),
    (r"sys/class/net/", {"netclass", "bonding", "netdev"}),
    (r"sys/class/nvme/", {"nvme"}),
    (r"sys/class/power_supply/", {"powersupplyclass"}),
    (r"sys/class/powercap/", {"rapl"}),
    (r"sys/class/scsi_tape/", {"tapestats"}),
    (r"sys/class/thermal/", {"thermal_zone"}),
    (r"sys/devices/system/clocksource/", {"time"}),
    (r"sys/devices/system/cpu/vulnerabilities/", {"cpu_vulnerabilities"}),
    (r"sys/devices/system/cpu/", {"cpu", "cpufreq"}),
    (r"sys/devices/system/edac/", {"edac"}),
    (r"sys/devices/system/node/", {"meminfo_numa"}),
    (r"sys/fs/bcache/", {"bcache"}),
    (r"sys/fs/bcachefs/", {"bcachefs"}),
    (r"sys/class/nvme-subsystem/", {"nvmesubsystem"}),
    (r"sys/bus/pci/|sys/devices/pci0000:40/", {"pcidevice"}),
    (r"sys/fs/cgroup/", {"cgroup"}),
    (r"sys/fs/btrfs/", {"btrfs"}),
    (r"sys/fs/xfs/", {"xfs"}),
    (r"sys/class/watchdog/", {"watchdog"}),
    (r"sys/kernel/mm/ksm/", {"ksmd"}),
    (r"sys/class/drm/|sys/devices/pci0000:00/", {"drm"}),
    (r"(boot|home|mnt|srv)/", set()),  # mount points: read by no collector
]


def readers(rel):
    for pattern, collectors in READERS:
        if re.match(pattern, rel):
            return collectors
    return None


def damage(path, mode):
    if mode == "missing":
        os.unlink(path)
        return
    if mode == "unreadable":
        os.unlink(path)
        os.mkdir(path)
        return
    with open(path, "rb") as f:
        data = f.read()
    with open(path, "wb") as f:
        if mode == "truncated":
            f.write(data[: max(1, len(data) // 2 - 3)])
        elif mode == "garbage":
            f.write(b"\x00\xff garbage \x01 -1e999 NaN ((( \n" * 7 + data[:13])


class BrokenHostTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="broken-host-")
        cls.root = os.path.join(cls.tmp, "root")
        shutil.copytree(harness.FIXTURE_ROOT, cls.root, symlinks=True)
        base = run_once(cls.root)
        assert base.returncode == 0, base.stderr
        cls.base = families(base.stdout)
        cls.base_success = success(base.stdout)
        cls.owner = owners(cls.root, list(cls.base_success))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def files(self):
        all_files = []
        for d, _, fs in os.walk(self.root):
            for f in fs:
                all_files.append(os.path.join(d, f))
        all_files.sort()
        if os.environ.get("HOST_EXPORTER_BROKEN_HOST") == "all":
            return all_files
        chosen, seen_dirs = [], set()
        for p in all_files:
            rel = os.path.relpath(p, self.root)
            if rel.startswith("proc/") or rel.startswith("textfile/") or \
                    rel.startswith("etc/") or rel.startswith("usr/"):
                chosen.append(p)
            elif os.path.dirname(rel) not in seen_dirs:
                seen_dirs.add(os.path.dirname(rel))
                chosen.append(p)
        return chosen

    @staticmethod
    def modes(index):
        if os.environ.get("HOST_EXPORTER_BROKEN_HOST") == "all":
            return MODES
        others = [m for m in MODES if m != "garbage"]
        return ["garbage", others[index % len(others)]]

    def test_damage_stays_inside_the_collectors_that_read_the_file(self):
        # WORKERS copies of the root, each damaged and run by one worker at a
        # time (a run takes about half a second, mostly the process's start).
        # Each copy has its undamaged output of its own (paths show in some
        # series, such as the textfile collector's).
        roots = queue.Queue()
        bases = {self.root: (self.base, self.base_success)}
        for i in range(1, WORKERS):
            copy = os.path.join(self.tmp, "root%d" % i)
            shutil.copytree(self.root, copy, symlinks=True)
            undamaged = run_once(copy)
            bases[copy] = (families(undamaged.stdout), success(undamaged.stdout))
        for root in bases:
            roots.put(root)

        def damaged_run(job):
            rel, mode = job
            root = roots.get()
            try:
                path = os.path.join(root, rel)
                backup = path + ".bak-test"
                shutil.copy2(path, backup)
                try:
                    damage(path, mode)
                    return run_once(root), bases[root]
                finally:
                    if os.path.isdir(path):
                        os.rmdir(path)
                    elif os.path.exists(path):
                        os.unlink(path)
                    os.rename(backup, path)
            finally:
                roots.put(root)

        jobs = [(os.path.relpath(path, self.root), mode)
                for index, path in enumerate(self.files())
                for mode in self.modes(index)]
        checked, failures, problems = 0, 0, []
        with concurrent.futures.ThreadPoolExecutor(WORKERS) as pool:
            results = list(pool.map(damaged_run, jobs))
        for (rel, mode), (r, (base, base_success)) in zip(jobs, results):
            checked += 1
            if r.returncode != 0 or "AddressSanitizer" in r.stderr or \
                    "runtime error" in r.stderr:
                problems.append("%s %s: exit %d %s" % (rel, mode, r.returncode,
                                                      r.stderr[-500:]))
                continue
            got = families(r.stdout)
            got_success = success(r.stdout)
            failed = {c for c, v in got_success.items() if v == "0"}
            failures += len(failed - {c for c, v in base_success.items() if v == "0"})
            changed = {f for f in set(got) | set(base)
                       if got.get(f) != base.get(f) and f in self.owner}
            touched = {self.owner[f] for f in changed} | (
                failed - {c for c, v in base_success.items() if v == "0"})
            allowed = readers(rel)
            if allowed is None:
                problems.append("%s: no reader listed in READERS" % rel)
            elif not touched <= allowed:
                problems.append("%s %s: touched %s, read only by %s" % (
                    rel, mode, sorted(touched), sorted(allowed)))
        print("\nbroken host: %d damaged runs, %d collector failures reported, %d problems" %
              (checked, failures, len(problems)))
        self.assertEqual(problems, [])


if __name__ == "__main__":
    harness.main()
