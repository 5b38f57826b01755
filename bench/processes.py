"""The process_top collector against Debian's prometheus-process-exporter.

Cycle CPU that host_exporter's process_top collector adds, at 100, 1,000 and
10,000 processes (generated /proc trees) and on the live host, beside the
CPU process-exporter spends per scrape of the same tree, configured to report
the same groups: one instance grouping by command name ({{.Comm}}) and one by
cgroup ({{.Cgroups}}, the unit groups), without smaps and per-thread
metrics (its cheapest settings: what it reads per process is then what
process_top reads). Used by bench/run.py --processes.
"""
import os
import shutil
import subprocess
import tempfile
import time

import harness
from harness import Exporter, Server, free_port

CLK_LIMITS = """Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max open files            1024                 524288               files
"""


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def make_proc_tree(n, comms=20, units=10):
    """A fake host with n processes in `comms` command names and `units`
    services (cgroup v2 layout, every service with cpu.stat and io.stat).
    Returns the root directory (with proc/ and sys/)."""
    root = tempfile.mkdtemp(prefix="procs-%d-" % n)
    proc = os.path.join(root, "proc")
    os.makedirs(proc)
    with open(os.path.join(proc, "stat"), "w") as f:
        f.write("cpu  1 0 1 100 0 0 0 0 0 0\nbtime 1764979200\nprocesses %d\n" % n)
    with open(os.path.join(proc, "uptime"), "w") as f:
        f.write("1000.00 1900.00\n")
    cg = os.path.join(root, "sys", "fs", "cgroup")
    os.makedirs(cg)
    with open(os.path.join(cg, "cgroup.controllers"), "w") as f:
        f.write("cpu io memory pids\n")
    for u in range(units):
        d = os.path.join(cg, "system.slice", "svc%d.service" % u)
        os.makedirs(d)
        with open(os.path.join(d, "cpu.stat"), "w") as f:
            f.write("usage_usec %d\nuser_usec %d\nsystem_usec %d\n" % (
                3000000 * (u + 1), 2000000 * (u + 1), 1000000 * (u + 1)))
        with open(os.path.join(d, "io.stat"), "w") as f:
            f.write("8:0 rbytes=%d wbytes=%d rios=1 wios=1 dbytes=0 dios=0\n" % (
                4096 * u, 8192 * u))
    for i in range(n):
        pid = 1000 + i
        comm = "worker%d" % (i % comms)
        unit = "svc%d.service" % (i % units)
        d = os.path.join(proc, str(pid))
        os.makedirs(os.path.join(d, "fd"))
        files = {
            "stat": "%d (%s) S 1 %d %d 0 -1 4194560 100 0 0 0 %d %d 0 0 20 0 %d 0 %d "
                    "10000000 %d 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 0 0 0 "
                    "0 0 0 0 0 0 0 0 0 0 0\n" % (
                        pid, comm, pid, pid, 10 + i % 500, 5 + i % 100, 1 + i % 4,
                        500 + i, 100 + i % 1000),
            "status": "Name:\t%s\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t%d\nPid:\t%d\n"
                      "PPid:\t1\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nVmRSS:\t%d kB\n"
                      "VmSwap:\t0 kB\nThreads:\t%d\nvoluntary_ctxt_switches:\t10\n"
                      "nonvoluntary_ctxt_switches:\t1\n" % (
                          comm, pid, pid, 4 * (100 + i % 1000), 1 + i % 4),
            "io": "rchar: 1000\nwchar: 2000\nsyscr: 10\nsyscw: 20\nread_bytes: %d\n"
                  "write_bytes: %d\ncancelled_write_bytes: 0\n" % (4096 * i, 512 * i),
            "cmdline": "/usr/bin/%s\0--serve\0" % comm,
            "comm": comm + "\n",
            "cgroup": "0::/system.slice/%s\n" % unit,
            "limits": CLK_LIMITS,
            "wchan": "0",
        }
        for name, text in files.items():
            with open(os.path.join(d, name), "w") as f:
                f.write(text)
        for fd in range(3):
            os.symlink("/dev/null", os.path.join(d, "fd", str(fd)))
    return root


def host_exporter_cycle_cpu(he_bin, root, seconds, interval=0.5, extra=()):
    """CPU seconds per cycle of host_exporter with only process_top, minus
    the same exporter with no collector at all (the cycle's fixed cost)."""
    paths = [] if root is None else [
        "--path.procfs=%s/proc" % root, "--path.sysfs=%s/sys" % root,
        "--path.rootfs=%s" % root]
    common = paths + ["--collector.disable-defaults",
                      "--collection.interval=%dms" % int(interval * 1000),
                      "--collector.timeout=10s"] + list(extra)
    per = {}
    for name, args in (("process_top", ["--collector.process_top"]), ("none", [])):
        port = free_port()
        with Exporter(["--web.listen-address=127.0.0.1:%d" % port] + common + args, port,
                      exe=he_bin, timeout=30.0) as he:
            time.sleep(max(1.0, 2 * interval))  # past the first cycles
            c0, t0 = cpu_seconds(he.pid), time.monotonic()
            time.sleep(seconds)
            c1, t1 = cpu_seconds(he.pid), time.monotonic()
            per[name] = (c1 - c0) / ((t1 - t0) / interval)
            if name == "process_top":
                text = harness.request("127.0.0.1", port, "GET", "/metrics")[2].decode()
                per["series"] = sum(1 for l in text.splitlines()
                                    if l.startswith("host_process_"))
                per["scanned"] = next(
                    (float(l.split()[-1]) for l in text.splitlines()
                     if l.startswith("host_process_top_scanned_processes ")), 0)
    return {"cycle_cpu_s": max(per["process_top"] - per["none"], 0.0),
            "cycle_cpu_total_s": per["process_top"], "series": per["series"],
            "scanned": per["scanned"]}


def process_exporter_scrape_cpu(pe_bin, root, scrapes, grouping):
    """CPU seconds process-exporter spends per scrape (after a first scrape
    that builds its state), grouping by "{{.Comm}}" or "{{.Cgroups}}"."""
    d = tempfile.mkdtemp(prefix="pe-")
    cfg = os.path.join(d, "config.yml")
    with open(cfg, "w") as f:
        f.write("process_names:\n  - name: \"%s\"\n    cmdline:\n    - '.+'\n" % grouping)
    port = free_port()
    argv = [pe_bin, "-config.path", cfg, "-web.listen-address", "127.0.0.1:%d" % port,
            "-gather-smaps=false", "-threads=false"]
    if root is not None:
        argv += ["-procfs", os.path.join(root, "proc")]
    try:
        # Ready when the port accepts: at 10,000 processes one scrape takes
        # longer than the readiness probe waits.
        with Server(argv, port, name="process-exporter", ready=None,
                    timeout=60.0, stop_timeout=10.0) as pe:
            harness.request("127.0.0.1", port, "GET", "/metrics", timeout=300)
            c0 = cpu_seconds(pe.pid)
            for _ in range(scrapes):
                status, _, body = harness.request("127.0.0.1", port, "GET", "/metrics",
                                                  timeout=300)
                assert status == 200, status
            c1 = cpu_seconds(pe.pid)
            groups = sum(1 for l in body.decode().splitlines()
                         if l.startswith("namedprocess_namegroup_num_procs{"))
            return {"scrape_cpu_s": (c1 - c0) / scrapes, "groups": groups}
    finally:
        shutil.rmtree(d, ignore_errors=True)


def run(he_bin, pe_bin, smoke=False, sizes=None):
    """The rows: one per tree size and the live host."""
    if sizes is None:
        sizes = ([20] if smoke else [100, 1000, 10000]) + ["live"]
    rows = []
    for n in sizes:
        root = None if n == "live" else make_proc_tree(n)
        # The collector's deadline is the interval: at 10,000 processes on a
        # busy machine a cycle may take more than a second of wall time.
        big = n != "live" and n >= 5000
        interval = 5.0 if big else 0.5
        secs = 2 if smoke else (25 if big else 10)
        try:
            he = host_exporter_cycle_cpu(he_bin, root, secs, interval=interval)
            scrapes = 2 if smoke else (3 if n == 10000 else 20)
            pe_comm = process_exporter_scrape_cpu(pe_bin, root, scrapes, "{{.Comm}}")
            pe_cg = process_exporter_scrape_cpu(pe_bin, root, scrapes, "{{.Cgroups}}")
        finally:
            if root:
                shutil.rmtree(root, ignore_errors=True)
        rows.append({"processes": n if n != "live" else "live host (%d)" % he["scanned"],
                     "he": he, "pe_comm": pe_comm, "pe_cgroup": pe_cg,
                     "interval_s": interval})
    return {"date": time.strftime("%Y-%m-%d"), "rows": rows,
            "pe_version": pe_version(pe_bin)}


def pe_version(pe_bin):
    r = subprocess.run([pe_bin, "-version"], capture_output=True, text=True, timeout=10)
    out = (r.stdout + r.stderr).strip().splitlines()
    return out[0] if out else "?"


def section(p):
    """The report's "Processes" section from run()'s result."""
    if not p:
        return []
    lines = ["", "## Processes", "",
             "CPU that the process_top collector adds to a collection cycle (host_exporter "
             "with only that collector, minus the same exporter with none) against the CPU "
             "of one scrape of Debian's prometheus-process-exporter (%s) on the same /proc, "
             "one instance grouping by command name and one by cgroup (the unit groups), "
             "with -gather-smaps=false -threads=false. Generated trees: 20 command names, "
             "10 services, 3 fds each (bench/processes.py); run %s on %s.%s" % (
                 p.get("pe_version", "0.7.10"), p["date"], p.get("machine", "this machine"),
                 " " + p["note"] if p.get("note") else ""), "",
             "| processes | process_top per cycle (ms) | series | process-exporter by comm "
             "(ms/scrape) | by cgroup (ms/scrape) | both | process-exporter / process_top |",
             "|---|---|---|---|---|---|---|"]
    for r in p["rows"]:
        he = r["he"]["cycle_cpu_s"] * 1e3
        a, b = r["pe_comm"]["scrape_cpu_s"] * 1e3, r["pe_cgroup"]["scrape_cpu_s"] * 1e3
        lines.append("| %s | %.2f | %d | %.2f | %.2f | %.2f | %s |" % (
            r["processes"], he, r["he"]["series"], a, b, a + b,
            "%.1f×" % ((a + b) / he) if he >= 0.05 else "n/a"))
    return lines


def splice(report_text, lines):
    """REPORT.md with its "Processes" section replaced by `lines` (or put
    before the plots if it has none)."""
    sec = "\n".join(lines).lstrip("\n") + "\n"
    start = report_text.find("## Processes\n")
    end = report_text.find("![latency](latency.png)")
    if start < 0:
        start = end
    return report_text[:start] + sec + "\n" + report_text[end:]
