#!/usr/bin/env python3
"""host_exporter against node_exporter 1.5 and 1.9 under real Prometheus servers.

    bench/deploy.py [--build DIR] [--seconds 180] [--warmup 100] [--smoke]
                    [--out bench/REPORT.md] [--json bench/deploy.json]

For each deployment, fresh exporters start on loopback (Debian's
node_exporter 1.5 at /usr/bin/prometheus-node-exporter, Debian 13's 1.9 from
scripts/fetch-reference, and host_exporter from --build) and Debian's
/usr/bin/prometheus scrapes all three, each Prometheus with its own
temporary data directory and config:

  one-15s   one Prometheus, scrape_interval 15s
  ha-15s    two Prometheus at 15 s (external_labels replica a/b, so
            Prometheus gives them different scrape offsets)
  one-1s    one Prometheus, scrape_interval 1s
  push-10s  host_exporter alone, collection.interval 10s, remote-writing to
            a Prometheus (--web.enable-remote-write-receiver); nobody scrapes
  one-15s-10k  one-15s over a generated host of 10,000 network interfaces,
            disks and mounts (bench/run.py's scaling root; netdev,
            diskstats, filesystem and time collectors only, about 410,000
            series)
  cycle     no Prometheus: the three exporters scraped once a second with
            Prometheus's headers for 60 s; CPU a host_exporter cycle and a
            node_exporter scrape (schedstat), their user/kernel split
            (utime/stime), the floor (the kernel's CPU to read once the
            procfs and sysfs files host_exporter keeps open, from kept
            descriptors) and the allocations of a steady cycle
            (tests/allocations_tests, if built)

After a warm-up (host_exporter learns the scrapers' cadence from three
scrapes, then runs every collection.interval for 30 s more: 100 s covers it
at 15 s), CPU (utime+stime from /proc/PID/stat) is measured over
--seconds, with RSS and threads at the end. The age of host_exporter's values
at each scrape is read back from Prometheus: the raw samples of
host_exporter_cycle_end_timestamp_seconds over the window, age = sample
timestamp (the scrape's start) - value (the cycle's end). node_exporter
collects during the scrape; its age is taken the same way from
node_time_seconds (about 0, negative by the time it takes to start).

Writes the "Deployments" section of --out (replacing it if present, the rest
of the report untouched) and the figures to --json. --smoke: 1 s scrapes for
a few seconds, prints the table, writes nothing unless --out is given.
Everything listens on 127.0.0.1; every process is stopped at the end.
"""
import argparse
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from run import (cpu_seconds, cpu_split, http_get, machine,  # noqa: E402
                 make_scaled_root, percentile, rss_bytes)
import harness  # noqa: E402  (tests/e2e, put on sys.path by run)
from harness import Exporter, NodeExporter, free_port  # noqa: E402

PROMETHEUS = "/usr/bin/prometheus"
NE15 = "/usr/bin/prometheus-node-exporter"

TARGETS = {"one-15s": 1 / 5, "ha-15s": 1 / 8, "one-1s": 1.0, "one-15s-10k": 1 / 5}


def threads(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("Threads:"):
                return int(line.split()[1])
    return 0


def sched_cpu_seconds(pid):
    """On-CPU time of the live threads from /proc/PID/task/*/schedstat (ns,
    exact: utime+stime are sampled at the timer tick, which overcharges a
    process whose short wake-ups are timer-driven, and count in 10 ms)."""
    total = 0
    for tid in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/schedstat" % (pid, tid)) as f:
                total += int(f.read().split()[0])
        except OSError:
            pass
    return total / 1e9


def version(exe):
    r = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=10)
    m = re.search(r"version (\S+)", r.stdout + r.stderr)
    return m.group(1) if m else "?"


def fetch_ne19():
    try:
        r = subprocess.run([os.path.join(ROOT, "scripts", "fetch-reference")],
                           capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as e:
        return None, str(e)
    if r.returncode != 0:
        return None, r.stderr.strip()
    for line in r.stdout.splitlines():
        if line.endswith("/prometheus-node-exporter"):
            return line, ""
    return None, "scripts/fetch-reference printed no node_exporter path"


class Prometheus(harness.Prometheus):
    def __init__(self, name, interval, targets, replica=None, receiver=False):
        timeout = min(10, interval)
        lines = ["global:",
                 "  scrape_interval: %ds" % interval,
                 "  scrape_timeout: %ds" % timeout]
        if replica:
            lines += ["  external_labels:", "    replica: %s" % replica]
        lines.append("scrape_configs:")
        for job, port in targets.items():
            lines += ["  - job_name: %s" % job,
                      "    static_configs:",
                      "      - targets: ['127.0.0.1:%d']" % port]
        if not targets:
            lines[-1] = "scrape_configs: []"
        args = ["--log.level=warn"]
        if receiver:
            args.append("--web.enable-remote-write-receiver")
        super().__init__("\n".join(lines) + "\n", args, exe=PROMETHEUS,
                         name="prometheus " + name, timeout=20.0)

    def ages(self, metric, job, seconds, at):
        """Scrape time minus value, for each raw sample of the window."""
        out = []
        for series in self.query('%s{job="%s"}[%ds]' % (metric, job, seconds),
                                 time="%.3f" % at)["result"]:
            for ts, v in series["values"]:
                out.append(float(ts) - float(v))
        return out

    def rate_per_min(self, metric, job, seconds, at):
        """A counter's increase a minute over the window's raw samples (the
        first to the last), or None without two samples."""
        for series in self.query('%s{job="%s"}[%ds]' % (metric, job, seconds),
                                 time="%.3f" % at)["result"]:
            v = series["values"]
            if len(v) >= 2 and float(v[-1][0]) > float(v[0][0]):
                return ((float(v[-1][1]) - float(v[0][1])) /
                        (float(v[-1][0]) - float(v[0][0])) * 60)
        return None


SCALED_DEVICES = 10000


def scaled_args(job, root):
    """The flags of `job` over a scaled root (run.py's make_scaled_root): its
    interfaces, disks and mounts only, and the time collector for the age."""
    args = ["--path.procfs=%s/proc" % root, "--path.sysfs=%s/sys" % root,
            "--path.rootfs=%s" % root, "--collector.disable-defaults",
            "--collector.netdev", "--collector.diskstats",
            "--collector.filesystem", "--collector.time",
            "--collector.filesystem.mount-points-exclude=^$",
            "--collector.diskstats.device-exclude=^$"]
    if job == "node_exporter 1.9":
        args.append("--no-collector.netdev.netlink")  # read proc/net/dev
    return args


def run_deployment(name, exes, build, seconds, warmup, tmp, smoke):
    interval = 1 if name == "one-1s" or smoke else 15
    proms = []
    servers = {}
    root = None
    try:
        if name == "push-10s":
            rw = Prometheus(name + "-rw", 15, {}, receiver=True)
            proms.append(rw)
            cfg = os.path.join(tmp, name + "-he.json")
            with open(cfg, "w") as f:
                json.dump({"remote_write": {
                    "url": "http://127.0.0.1:%d/api/v1/write" % rw.port}}, f)
            port = free_port()
            servers["host_exporter"] = Exporter(
                ["--web.listen-address=127.0.0.1:%d" % port,
                 "--collection.interval=10s", "--config.file=" + cfg],
                port, exe=os.path.join(build, "host_exporter"), timeout=20.0)
        else:
            ports = {}
            if name == "one-15s-10k":
                root = make_scaled_root(2 if smoke else SCALED_DEVICES)
            for job, exe in exes.items():
                ports[job] = free_port()
                args = ["--web.listen-address=127.0.0.1:%d" % ports[job]]
                if root:
                    args += scaled_args(job, root)
                if job == "host_exporter":
                    servers[job] = Exporter(args, ports[job], exe=exe, timeout=20.0)
                else:
                    servers[job] = NodeExporter(args, ports[job], exe=exe, ready_path="/",
                                                timeout=20.0)
            replicas = ["a", "b"] if name == "ha-15s" else [None]
            for r in replicas:
                proms.append(Prometheus("%s-%s" % (name, r or "p"), interval, ports,
                                        replica=r))
        time.sleep(warmup)
        start = {job: cpu_seconds(s.pid) for job, s in servers.items()}
        start_sched = {job: sched_cpu_seconds(s.pid) for job, s in servers.items()}
        t0 = time.time()
        time.sleep(seconds)
        t1 = time.time()
        out = {"scrape_interval": interval, "prometheus": len(proms),
               "warmup": warmup, "exporters": {}}
        for job, s in servers.items():
            used = cpu_seconds(s.pid) - start[job]
            out["exporters"][job] = {
                "cpu_per_min_ms": used / (t1 - t0) * 60 * 1000,
                "sched_cpu_per_min_ms": (sched_cpu_seconds(s.pid) - start_sched[job]) /
                                        (t1 - t0) * 60 * 1000,
                "rss_mb": rss_bytes(s.pid) / 2 ** 20,
                "threads": threads(s.pid)}
        if name != "push-10s":
            time.sleep(min(interval, 15) + 1)  # the window's last scrapes are stored
            window = int(t1 - t0)
            for job in servers:
                metric = ("host_exporter_cycle_end_timestamp_seconds"
                          if job == "host_exporter" else "node_time_seconds")
                ages = []
                for p in proms:
                    ages += p.ages(metric, job, window, t1)
                e = out["exporters"][job]
                e["scrapes"] = len(ages)
                e["age_p50_s"] = percentile(ages, 50)
                e["age_p99_s"] = percentile(ages, 99)
                e["age_max_s"] = max(ages) if ages else float("nan")
                if job == "host_exporter":
                    # Cycles as the scrapes saw them: no client of the
                    # bench's own to move the plan.
                    e["cycles_per_min"] = proms[0].rate_per_min(
                        "host_exporter_cycles_total", job, window, t1)
                    e["scrapes_per_min"] = len(ages) / window * 60
        return out
    finally:
        for p in proms:
            p.close()
        for s in servers.values():
            s.stop()
        if root:
            shutil.rmtree(root, ignore_errors=True)


PROM_ACCEPT = ("application/openmetrics-text;version=1.0.0,"
               "application/openmetrics-text;version=0.0.1;q=0.75,"
               "text/plain;version=0.0.4;q=0.5,*/*;q=0.1")


def prom_scrape(port):
    """A scrape with Prometheus's headers; the body, gunzipped if it can be."""
    status, body = http_get(port, "/metrics", {"Accept": PROM_ACCEPT,
                                               "Accept-Encoding": "gzip"})
    if status != 200:
        raise RuntimeError("scrape of :%d answered %d" % (port, status))
    try:
        return gzip.decompress(body).decode()
    except (OSError, EOFError):
        return ""  # chunked (node_exporter): not read


def cycles_total(port):
    m = re.search(r"^host_exporter_cycles_total (\S+)$", prom_scrape(port), re.M)
    return float(m.group(1)) if m else float("nan")


def kept_files(pid):
    """The procfs and sysfs files a process holds open (its kept readers)."""
    out = []
    for fd in os.listdir("/proc/%d/fd" % pid):
        try:
            path = os.readlink("/proc/%d/fd/%s" % (pid, fd))
        except OSError:
            continue
        if path.startswith(("/proc/", "/sys/")) and os.path.isfile(path):
            out.append(path)
    return sorted(set(out))


def floor_ms(paths, passes):
    """Kernel CPU (ms) of reading every file of `paths` once to its end from
    a descriptor kept open, the average of `passes` passes: what the
    kernel's making of their text costs, whoever reads them."""
    fds = []
    for p in paths:
        try:
            fds.append(os.open(p, os.O_RDONLY))
        except OSError:
            pass
    try:
        t0 = os.times()
        for _ in range(passes):
            for fd in fds:
                off = 0
                try:
                    while True:
                        n = len(os.pread(fd, 16384, off))
                        if n == 0:
                            break
                        off += n
                except OSError:
                    pass
        t1 = os.times()
    finally:
        for fd in fds:
            os.close(fd)
    return (t1.system - t0.system) * 1000 / passes, len(fds)


def steady_allocations(build):
    """allocations_tests' count of a steady cycle of the default collectors
    on the fixture tree and, on hosts of 100 and 400 devices, of the
    scaling collectors with the snapshot encoded (what a series added
    costs), or None if that test is not built."""
    exe = os.path.join(build, "tests", "allocations_tests")
    if not os.access(exe, os.X_OK):
        return None
    r = subprocess.run([exe, "--gtest_filter=AllocationTest."
                        "SteadyCycleOfTheDefaultCollectors:AllocationTest."
                        "ASteadyCycleAllocatesNothingPerSeries"],
                       capture_output=True, text=True, timeout=300)
    m = re.search(r"steady cycle: (\d+) allocations \((\d+) bytes\), (\d+) "
                  r"series, ([\d.]+) per series", r.stdout)
    if not m:
        return None
    out = {"allocations": int(m.group(1)), "bytes": int(m.group(2)),
           "series": int(m.group(3)), "per_series": float(m.group(4))}
    m = re.search(r"scaled host: 100 devices (\d+) allocations \((\d+) "
                  r"series\), 400 devices (\d+) \((\d+) series\): "
                  r"([-+\d.]+) a series added", r.stdout)
    if m:
        out["scaled"] = {"small": int(m.group(1)),
                         "small_series": int(m.group(2)),
                         "large": int(m.group(3)),
                         "large_series": int(m.group(4)),
                         "per_added_series": float(m.group(5))}
    return out


def run_cycle(exes, build, count, smoke):
    """CPU of one host_exporter cycle and of one node_exporter scrape, each
    exporter scraped once a second with Prometheus's headers (gzip,
    OpenMetrics) side by side: on-CPU time (schedstat) per cycle or scrape,
    the user/kernel split of utime and stime over the same window; the
    floor (the kernel's CPU to make the text of the files host_exporter
    keeps open, read once); allocations of a steady cycle (the fixture)."""
    servers, ports = {}, {}
    try:
        for job, exe in exes.items():
            ports[job] = free_port()
            args = ["--web.listen-address=127.0.0.1:%d" % ports[job]]
            if job == "host_exporter":
                servers[job] = Exporter(args, ports[job], exe=exe, timeout=20.0)
            else:
                servers[job] = NodeExporter(args, ports[job], exe=exe,
                                            ready_path="/", timeout=20.0)
        he = ports["host_exporter"]
        for _ in range(3 if smoke else 8):  # the cadence learned, files kept
            for port in ports.values():
                prom_scrape(port)
            time.sleep(1)
        c0 = cycles_total(he)
        split0 = {j: cpu_split(s.pid) for j, s in servers.items()}
        sched0 = {j: sched_cpu_seconds(s.pid) for j, s in servers.items()}
        for _ in range(count):
            for port in ports.values():
                prom_scrape(port)
            time.sleep(1)
        sched1 = {j: sched_cpu_seconds(s.pid) for j, s in servers.items()}
        split1 = {j: cpu_split(s.pid) for j, s in servers.items()}
        cycles = cycles_total(he) - c0
        out = {"scrapes": count, "exporters": {}}
        for job in servers:
            n = cycles if job == "host_exporter" else count
            out["exporters"][job] = {
                "per": "cycle" if job == "host_exporter" else "scrape",
                "n": n,
                "cpu_ms": (sched1[job] - sched0[job]) * 1000 / n,
                "user_ms": (split1[job][0] - split0[job][0]) * 1000 / n,
                "kernel_ms": (split1[job][1] - split0[job][1]) * 1000 / n}
        paths = kept_files(servers["host_exporter"].pid)
        floor, files = floor_ms(paths, 20 if smoke else 200)
        out["floor_kernel_ms"], out["floor_files"] = floor, files
        out["allocations"] = steady_allocations(build)
        return out
    finally:
        for s in servers.values():
            s.stop()


def cycle_section(c):
    he = c["exporters"]["host_exporter"]
    lines = ["", "CPU of a cycle (`--only cycle`): each exporter scraped once a "
             "second with Prometheus's headers (OpenMetrics, gzip), side by "
             "side, %d scrapes; on-CPU time from schedstat per host_exporter "
             "cycle (%d) and per node_exporter scrape, user and kernel from "
             "utime and stime (10 ms ticks) over the same window." % (
                 c["scrapes"], he["n"]), "",
             "| exporter | per | CPU (ms) | user (ms) | kernel (ms) | "
             "host_exporter / this |",
             "|---|---|---:|---:|---:|---:|"]
    for job, e in c["exporters"].items():
        ratio = "" if job == "host_exporter" else "%.2f" % (he["cpu_ms"] / e["cpu_ms"])
        lines.append("| %s | %s | %.2f | %.2f | %.2f | %s |" % (
            job, e["per"], e["cpu_ms"], e["user_ms"], e["kernel_ms"], ratio))
    lines += ["", "Floor: the kernel's CPU to read once, from descriptors kept "
              "open, the %d procfs and sysfs files host_exporter keeps open "
              "(the text the kernel makes on every read, which any reader "
              "pays): %.2f ms, against host_exporter's %.2f ms of kernel time a "
              "cycle (%.1f×)." % (c["floor_files"], c["floor_kernel_ms"],
                                  he["kernel_ms"],
                                  he["kernel_ms"] / c["floor_kernel_ms"]
                                  if c["floor_kernel_ms"] else float("nan"))]
    a = c.get("allocations")
    if a:
        lines.append("Allocations of a steady cycle of the default collectors "
                     "on the fixture tree (tests/unit/alloc_test.cc): %d (%d "
                     "bytes) for %d series, %.2f a series (target: none a "
                     "series)." % (a["allocations"], a["bytes"], a["series"],
                                   a["per_series"]))
        sc = a.get("scaled")
        if sc:
            lines.append("The scaling collectors (netdev, diskstats, "
                         "filesystem) with the snapshot encoded "
                         "(OpenMetrics, gzip, text), steady cycle: %d "
                         "allocations for %d series on a host of 100 devices, "
                         "%d for %d on one of 400: %+.4f a series added "
                         "(target: none a series)."
                         % (sc["small"], sc["small_series"], sc["large"],
                            sc["large_series"], sc["per_added_series"]))
    return lines


def cpu_ms(e):
    """CPU a minute that the ratios compare: the on-CPU time from schedstat
    (nanoseconds) where measured; utime+stime count whole 10 ms ticks, and
    host_exporter's 20 to 50 ms over a window at 15 s are 2 to 5 of them."""
    sched = e.get("sched_cpu_per_min_ms")
    return sched if sched is not None else e["cpu_per_min_ms"]


def verdicts(name, d):
    he = d["exporters"]["host_exporter"]
    rows = []
    for ref in ("node_exporter 1.5", "node_exporter 1.9"):
        if ref not in d["exporters"]:
            continue
        ratio = cpu_ms(he) / cpu_ms(d["exporters"][ref])
        target = TARGETS.get(name)
        if target is None:
            continue
        if name == "one-1s":
            ok, want = ratio < 1, "< 1"
        else:
            ok, want = ratio <= target, "≤ 1/%d" % round(1 / target)
        rows.append((name, "CPU vs %s" % ref, "%.2f" % ratio, want, ok))
    if name in ("one-15s", "one-1s", "one-15s-10k"):
        # Resident memory at the end of the window: idle between 15 s
        # scrapes, under load at 1 s (issue target: ≤ 1/3 of node_exporter's).
        for ref in ("node_exporter 1.5", "node_exporter 1.9"):
            if ref in d["exporters"]:
                ratio = he["rss_mb"] / d["exporters"][ref]["rss_mb"]
                rows.append((name, "RSS vs %s" % ref, "%.2f" % ratio, "≤ 1/3",
                             ratio <= 1 / 3))
    if name in ("one-15s", "one-15s-10k"):
        rows.append((name, "age p50", "%.3f s" % he["age_p50_s"], "≤ 0.5 s",
                     he["age_p50_s"] <= 0.5))
        rows.append((name, "age p99", "%.3f s" % he["age_p99_s"], "≤ 1 s",
                     he["age_p99_s"] <= 1))
    return rows


def section(res):
    lines = ["## Deployments", "",
             "`bench/deploy.py` (run %s on %s): real Prometheus servers "
             "(Debian's %s, own data directory and config, loopback) scraping "
             "node_exporter %s, node_exporter %s and host_exporter (build `%s`) in "
             "the same run, fresh processes per deployment; a warm-up (column "
             "`warm-up`), then CPU over %d s: utime+stime, and the on-CPU time of every thread from `/proc/PID/task/*/schedstat`, which the ratios compare (utime+stime count whole 10 ms ticks). Age: scrape time minus the end of the "
             "cycle whose values it got (`timestamp(x) - x` of "
             "`host_exporter_cycle_end_timestamp_seconds`; node_exporter's from "
             "`node_time_seconds`)." % (
                 res["date"], res["machine"], res["prometheus_version"],
                 res["ne15_version"], res.get("ne19_version", "1.9 (missing)"),
                 res["build"], res["seconds"]),
             "",
             "| deployment | warm-up | exporter | CPU ms/min | schedstat ms/min | "
             "RSS MB | threads | scrapes | cycles/min | age p50 | age p99 | age max |",
             "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for name, d in res["deployments"].items():
        for job, e in d["exporters"].items():
            age = lambda k: ("%.3f s" % e[k]) if k in e else "—"  # noqa: E731
            sched = e.get("sched_cpu_per_min_ms")
            cyc = e.get("cycles_per_min")
            lines.append("| %s | %s s | %s | %.0f | %s | %.1f | %d | %s | %s | %s | %s | %s |" % (
                name, d.get("warmup", res["warmup"]), job, e["cpu_per_min_ms"],
                "%.1f" % sched if sched is not None else "—", e["rss_mb"], e["threads"],
                e.get("scrapes", "—"), "%.2f" % cyc if cyc is not None else "—",
                age("age_p50_s"), age("age_p99_s"),
                age("age_max_s")))
    lines += ["", "| deployment | figure | measured | target | verdict |",
              "|---|---|---:|---|---|"]
    for name, d in res["deployments"].items():
        for row in verdicts(name, d):
            lines.append("| %s | %s | %s | %s | %s |" % (
                row[0], row[1], row[2], row[3], "met" if row[4] else "**not met**"))
    if res.get("cycle"):
        lines += cycle_section(res["cycle"])
        c = res["cycle"]
        he = c["exporters"]["host_exporter"]
        rows = []
        for ref in ("node_exporter 1.5", "node_exporter 1.9"):
            if ref in c["exporters"]:
                r = he["cpu_ms"] / c["exporters"][ref]["cpu_ms"]
                rows.append("| cycle | CPU a cycle vs %s's a scrape | %.2f | ≤ 1/5 | %s |"
                            % (ref, r, "met" if r <= 1 / 5 else "**not met**"))
        a = c.get("allocations")
        if a and a.get("scaled"):
            # What is left does not grow with the series: the buffers of
            # the files read, which double, grow with the log of a file's
            # size (kMaxAllocationsForFourTimesTheHost in alloc_test.cc).
            sc = a["scaled"]
            rows.append("| cycle | allocations a series added, steady cycle "
                        "(hosts of 100 and 400 devices) | %+.4f | 0 | %s |"
                        % (sc["per_added_series"],
                           "met" if sc["large"] - sc["small"] <= 8
                           else "**not met**"))
        elif a:
            rows.append("| cycle | allocations a series, steady cycle | %.2f | 0 | %s |"
                        % (a["per_series"],
                           "met" if a["per_series"] == 0 else "**not met**"))
        lines += ["", "| deployment | figure | measured | target | verdict |",
                  "|---|---|---:|---|---|"] + rows
    if res.get("notes"):
        lines += [""] + ["- " + n for n in res["notes"]]
    if res.get("analysis"):
        lines += ["", res["analysis"]]
    return "\n".join(lines) + "\n"


def write_section(path, text):
    """Puts `text` in place of the report's "Deployments" section, or at its
    end; a report that does not exist yet is made of the section alone."""
    try:
        with open(path) as f:
            report = f.read()
    except FileNotFoundError:
        report = ""
    m = re.search(r"^## Deployments\n.*?(?=^## |\Z)", report, flags=re.S | re.M)
    if m:
        report = report[:m.start()] + text + "\n" + report[m.end():].lstrip("\n")
        report = report.rstrip("\n") + "\n"
    elif report.strip():
        report = report.rstrip("\n") + "\n\n" + text
    else:
        report = text
    with open(path, "w") as f:
        f.write(report)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--seconds", type=int, default=180)
    ap.add_argument("--warmup", type=int, default=100)
    ap.add_argument("--smoke", action="store_true")
    ap.add_argument("--only", action="append", help="run only these deployments")
    ap.add_argument("--out", default=None)
    ap.add_argument("--json", default=None)
    ap.add_argument("--from-json", default=None,
                    help="render the section from saved figures, run nothing")
    ap.add_argument("--analysis", default=None, help="a file whose text ends the section")
    ap.add_argument("--merge", action="append", default=[],
                    help="with --from-json: take the deployments of this results "
                         "file over those of --from-json (a rerun of some)")
    a = ap.parse_args()

    if a.from_json:
        with open(a.from_json) as f:
            res = json.load(f)
        for extra in a.merge:
            with open(extra) as f:
                more = json.load(f)
            for name, d in more["deployments"].items():
                d.setdefault("warmup", more["warmup"])
                res["deployments"][name] = d
            rerun = list(more["deployments"])
            if more.get("cycle"):
                res["cycle"] = more["cycle"]
                rerun.append("cycle")
            res["notes"].append("%s rerun %s" % (", ".join(rerun), more["date"]))
    else:
        if not os.access(PROMETHEUS, os.X_OK) or not os.access(NE15, os.X_OK):
            print("deploy.py: needs %s and %s (apt-get install prometheus "
                  "prometheus-node-exporter)" % (PROMETHEUS, NE15), file=sys.stderr)
            return 77
        he = os.path.join(a.build, "host_exporter")
        if not os.access(he, os.X_OK):
            print("deploy.py: %s not built" % he, file=sys.stderr)
            return 1
        if a.smoke:
            a.seconds, a.warmup = 4, 3
        res = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
               "machine": machine(), "build": os.path.relpath(a.build, ROOT),
               "seconds": a.seconds, "warmup": a.warmup,
               "prometheus_version": "prometheus " + version(PROMETHEUS),
               "ne15_version": version(NE15), "notes": [], "deployments": {}}
        exes = {"node_exporter 1.5": NE15}
        ne19, why = (None, "skipped in --smoke") if a.smoke else fetch_ne19()
        if ne19:
            exes["node_exporter 1.9"] = ne19
            res["ne19_version"] = version(ne19)
        else:
            res["notes"].append("node_exporter 1.9 not measured: " + why)
        exes["host_exporter"] = he
        names = (["one-1s", "cycle"] if a.smoke else
                 ["one-15s", "ha-15s", "one-1s", "push-10s", "cycle",
                  "one-15s-10k"])
        if a.only:
            names = [n for n in names if n in a.only]
        tmp = tempfile.mkdtemp(prefix="host_exporter_deploy_")
        try:
            for name in names:
                if name == "cycle":
                    print("deploy.py: cycle", file=sys.stderr)
                    res["cycle"] = run_cycle(exes, a.build, 5 if a.smoke else 60,
                                             a.smoke)
                    continue
                print("deploy.py: %s (%d s + %d s warm-up)" % (name, a.seconds, a.warmup),
                      file=sys.stderr)
                res["deployments"][name] = run_deployment(
                    name, exes, a.build, a.seconds, a.warmup, tmp, a.smoke)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    if a.analysis:
        with open(a.analysis) as f:
            res["analysis"] = f.read().strip()
    text = section(res)
    print(text)
    if a.json:
        with open(a.json, "w") as f:
            json.dump(res, f, indent=1)
    if a.out:
        write_section(a.out, text)
    if a.smoke and not a.from_json:
        # What the smoke proves: every exporter was measured.
        bad = [job for d in res["deployments"].values()
               for job, e in d["exporters"].items()
               if not e["cpu_per_min_ms"] >= 0 or not e.get("scrapes")]
        c = res.get("cycle")
        if not c or not c["exporters"]["host_exporter"]["n"] > 0:
            bad.append("host_exporter cycles")
        elif not all(e["cpu_ms"] > 0 for e in c["exporters"].values()):
            bad.append("cycle CPU")
        if bad:
            print("deploy.py --smoke: not measured: " + ", ".join(bad),
                  file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
