"""Reliability of the live binary on loopback, bounded in count and time:
a keep-alive scrape soak with collections running, SIGHUP reloads in a row,
a textfile directory with thousands of files and one huge file, a FIFO among
the textfiles, a collector blocked for good, an unwritable or full log file,
SIGTERM with a scrape in flight.

Each check prints one line `reliability: <check>: <figures>` for
tests/reliability/REPORT.md. The default run is sized for a sanitized build
on a busy two-core machine (well under a minute); the long variants:

  HOST_EXPORTER_SOAK_SCRAPES=1000000   scrapes in the soak (default 10000)
  HOST_EXPORTER_SOAK_RSS_MB=10         the soak's RSS growth bound
  HOST_EXPORTER_RELOADS=1000           SIGHUP reloads in a row (default 100)
  HOST_EXPORTER_TEXTFILES=50000        small .prom files (default 5000)
"""
import gzip
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import unittest
import zlib

import harness
from harness import (Exporter, fixture_flags, free_port, parse_exposition,
                     read_response, request, send_request)

MB = 1024  # /proc figures are in kB


def env_int(name, default):
    return int(os.environ.get(name, default))


def rss_kb(pid, field="VmRSS"):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def _steady(pid, what):
    # Collectors open files and directories for a moment, and a reload
    # briefly holds the old and the new log file and worker threads: the
    # least of a few samples is the steady count.
    counts = []
    for _ in range(5):
        counts.append(len(os.listdir("/proc/%d/%s" % (pid, what))))
        time.sleep(0.02)
    return min(counts)


def fds(pid):
    return _steady(pid, "fd")


def threads(pid):
    return _steady(pid, "task")


def rchar(pid):
    """Bytes the process has read with read(2) and friends."""
    with open("/proc/%d/io" % pid) as f:
        for line in f:
            if line.startswith("rchar:"):
                return int(line.split()[1])
    return 0


def sanitizer(pid):
    """"thread", "address" or "" for the running exporter."""
    with open("/proc/%d/maps" % pid) as f:
        maps = f.read()
    if "libtsan" in maps:
        return "thread"
    if "libasan" in maps:
        return "address"
    with open("/proc/%d/exe" % pid, "rb") as f:  # statically linked runtime
        exe = f.read()
    return "thread" if b"__tsan_init" in exe else "address" if b"__asan_init" in exe else ""


# ThreadSanitizer keeps shadow memory and per-thread history that it never
# gives back (a reload's new threads each add some): under TSan an RSS bound
# measures TSan, so the RSS figures are printed but not asserted.
TSAN_RSS_NOTE = "RSS not asserted under ThreadSanitizer"


def read(path):
    with open(path, errors="replace") as f:
        return f.read()


def report(check, figures):
    print("\nreliability: %s: %s" % (check, figures), flush=True)


# Under AddressSanitizer every free() goes to a quarantine (256 MB, plus 1 MB
# per thread locally) before it can be reused, so RSS climbs with every
# collection cycle until the quarantine is full, whatever the program does:
# an RSS bound would measure ASan, not us. These checks run their exporter
# with the quarantine off (use-after-free is covered by the other tests;
# LeakSanitizer still runs at exit). Harmless for an unsanitized binary.
def lean_asan_env():
    opts = os.environ.get("ASAN_OPTIONS", "")
    extra = "quarantine_size_mb=0:thread_local_quarantine_size_kb=0"
    return {"ASAN_OPTIONS": (opts + ":" if opts else "") + extra}


def get(port, path="/metrics", headers=None):
    return request("127.0.0.1", port, "GET", path, headers)


def metrics(port):
    status, _, body = get(port)
    assert status == 200, status
    return body.decode()


def value(text, series):
    m = re.search("^" + re.escape(series) + r" (\S+)$", text, re.M)
    return float(m.group(1)) if m else None


class KeepAliveClient:
    """One keep-alive connection; reconnects if the server closes it."""

    def __init__(self, port):
        self.port = port
        self.sock = None
        self.reconnects = -1

    def _connect(self):
        if self.sock:
            self.sock.close()
        self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.reconnects += 1

    def get(self, path, headers=None):
        for attempt in range(2):
            if self.sock is None:
                self._connect()
            try:
                send_request(self.sock, "127.0.0.1", "GET", path, headers)
                status, h, rest = read_response(self.sock)
                length = int(h["content-length"])
                while len(rest) < length:
                    chunk = self.sock.recv(1 << 20)
                    if not chunk:
                        raise ConnectionError("closed mid-body")
                    rest += chunk
                if h.get("connection", "").lower() == "close":
                    self.sock.close()
                    self.sock = None
                return status, h, rest
            except (ConnectionError, BrokenPipeError):
                self.sock.close()
                self.sock = None
                if attempt:
                    raise

    def close(self):
        if self.sock:
            self.sock.close()


class SoakTest(unittest.TestCase):
    def test_keep_alive_scrape_soak(self):
        n = env_int("HOST_EXPORTER_SOAK_SCRAPES", 10000)
        bound_mb = env_int("HOST_EXPORTER_SOAK_RSS_MB", 10)
        warmup = 500
        port = free_port()
        # A 250 ms interval: a new snapshot is published several times a
        # second under the scrapes (a scrape may still hold the old one).
        exp = Exporter(fixture_flags() + ["--web.listen-address=127.0.0.1:%d" % port,
                                          "--collection.interval=250ms"],
                       port, env=lean_asan_env())
        self.addCleanup(exp.stop)
        pid = exp.proc.pid
        client = KeepAliveClient(port)
        self.addCleanup(client.close)
        gz = {"Accept-Encoding": "gzip"}
        times_seen = set()  # checksums of the plain bodies: one per snapshot
        failing = {}  # collector -> snapshots in which it failed
        latencies = []

        def scrape(i):
            zipped = i % 2 == 1
            start = time.monotonic()
            status, h, body = client.get("/metrics", gz if zipped else None)
            latencies.append(time.monotonic() - start)
            self.assertEqual(status, 200)
            if zipped:
                self.assertEqual(h.get("content-encoding"), "gzip")
                if i % 97 == 0:  # spot-check that the bytes are whole
                    self.assertIn(b"node_load1 ", gzip.decompress(body))
            else:
                self.assertIn(b"\nnode_load1 ", body)
                crc = zlib.crc32(body)
                if crc not in times_seen:
                    times_seen.add(crc)
                    for c in re.findall(rb'\nnode_scrape_collector_success\{collector="'
                                        rb'([^"]+)"\} 0', body):
                        failing[c.decode()] = failing.get(c.decode(), 0) + 1

        # Warm-up: 500 scrapes and at least 4 collection cycles, so the
        # allocator, the worker threads and the snapshot buffers have all
        # reached their working size before the first measurement.
        i = 0
        while i < warmup or len(times_seen) < 5:
            scrape(i)
            i += 1
            if i >= warmup:
                time.sleep(0.01)
        rss0, fds0, thr0 = rss_kb(pid), fds(pid), threads(pid)
        cycles0 = len(times_seen)
        latencies.clear()
        start = time.monotonic()
        for j in range(n):
            scrape(j)
        elapsed = time.monotonic() - start
        rss1, fds1, thr1 = rss_kb(pid), fds(pid), threads(pid)
        cycles = len(times_seen) - cycles0
        lat = sorted(latencies)
        p99 = lat[int(len(lat) * 0.99) - 1] * 1000
        report("soak", "%d keep-alive scrapes (half gzip) in %.1f s, %d collection "
               "cycles under them, RSS %d -> %d kB (%+d kB), fds %d -> %d, threads "
               "%d -> %d, p50 %.2f ms, p99 %.2f ms, max %.1f ms, %d reconnects, "
               "collector failures (snapshots) %s" %
               (n, elapsed, cycles, rss0, rss1, rss1 - rss0, fds0, fds1, thr0, thr1,
                lat[len(lat) // 2] * 1000, p99, lat[-1] * 1000, client.reconnects,
                failing or "none"))
        self.assertIsNone(exp.proc.poll())
        self.assertGreaterEqual(cycles, 2, "no collection ran during the soak")
        self.assertEqual(fds1, fds0, "open fds changed")
        self.assertEqual(thr1, thr0, "thread count changed")
        # A scrape copies a snapshot that already exists, so its own cost in
        # memory is zero: 10 MB over 10,000 scrapes is 1 kB per scrape, far
        # below any per-request leak (a leaked response buffer would be about
        # 100 kB). The rest of the allowance is for allocator noise from
        # the collection cycles that run meanwhile (measured: a few MB under
        # ASan without quarantine, ~0 unsanitized).
        if sanitizer(pid) == "thread":
            self.skipTest(TSAN_RSS_NOTE)
        self.assertLess(rss1 - rss0, bound_mb * MB,
                        "RSS grew by %d kB over %d scrapes" % (rss1 - rss0, n))


class ReloadTest(unittest.TestCase):
    def test_many_sighup_reloads(self):
        n = env_int("HOST_EXPORTER_RELOADS", 100)
        tmp = tempfile.mkdtemp(prefix="reliability-")
        self.addCleanup(shutil.rmtree, tmp)
        cfg = os.path.join(tmp, "config.json")
        log = os.path.join(tmp, "exporter.log")

        def write_config(i):
            # Flip a collector each time, so every reload has a visible
            # effect; the log file is reopened by every reload.
            with open(cfg + ".new", "w") as f:
                json.dump({"collection.interval": "1s",
                           "collector.disable-defaults": True,
                           "collector.loadavg": True,
                           "collector.cpu": True,
                           "collector.meminfo": i % 2 == 0,
                           "log.file": log}, f)
            os.rename(cfg + ".new", cfg)

        def reloads_logged():
            return read(log).count("configuration reloaded")

        write_config(0)
        port = free_port()
        exp = Exporter(fixture_flags() + ["--web.listen-address=127.0.0.1:%d" % port,
                                          "--config.file=" + cfg],
                       port, env=lean_asan_env())
        self.addCleanup(exp.stop)
        pid = exp.proc.pid

        def reload(i):
            write_config(i)
            exp.proc.send_signal(signal.SIGHUP)
            deadline = time.monotonic() + 20
            while reloads_logged() < i:
                self.assertIsNone(exp.proc.poll(), "exporter died on reload %d" % i)
                self.assertLess(time.monotonic(), deadline, "reload %d not done" % i)
                time.sleep(0.005)

        warm = 5
        for i in range(1, warm + 1):
            reload(i)
        time.sleep(0.3)
        rss0, fds0, thr0 = rss_kb(pid), fds(pid), threads(pid)
        start = time.monotonic()
        for i in range(warm + 1, warm + n + 1):
            reload(i)
            self.assertEqual(get(port, "/-/healthy")[0], 200)
        elapsed = time.monotonic() - start
        last = warm + n
        # The last configuration is the one in force.
        deadline = time.monotonic() + 10
        while True:
            text = metrics(port)
            has_mem = "node_memory_MemTotal_bytes" in text
            if has_mem == (last % 2 == 0):
                break
            self.assertLess(time.monotonic(), deadline, "last reload not applied")
            time.sleep(0.05)
        time.sleep(0.3)
        rss1, fds1, thr1 = rss_kb(pid), fds(pid), threads(pid)
        report("sighup", "%d reloads in %.1f s (%.0f ms each), same pid %s, RSS %d -> "
               "%d kB (%+d kB), fds %d -> %d, threads %d -> %d" %
               (n, elapsed, elapsed * 1000 / n, exp.proc.poll() is None, rss0, rss1,
                rss1 - rss0, fds0, fds1, thr0, thr1))
        self.assertIsNone(exp.proc.poll())
        self.assertEqual(exp.proc.pid, pid)
        self.assertIn('node_scrape_collector_success{collector="loadavg"} 1', text)
        self.assertEqual(fds1, fds0, "fds leak across reloads (log file reopen?)")
        self.assertEqual(thr1, thr0, "threads pile up across reloads")
        # (A bad config on reload keeping the old one: test_http.py,
        # test_sighup_reloads_and_keeps_old_config_on_error.)
        if sanitizer(pid) == "thread":
            self.skipTest(TSAN_RSS_NOTE)
        # Each reload replaces the scheduler and its worker threads; 10 MB
        # over 100 reloads is 100 kB a reload, less than one thread's stack.
        self.assertLess(rss1 - rss0, 10 * MB * max(1, n // 100))


def write_textfiles(d, count):
    for i in range(count):
        with open(os.path.join(d, "f%05d.prom" % i), "w") as f:
            f.write("# HELP reliability_textfile_shared One series per file.\n"
                    "# TYPE reliability_textfile_shared gauge\n"
                    'reliability_textfile_shared{file="%d"} %d\n'
                    "reliability_textfile_file_%d %d\n" % (i, i, i, i))


class TextfileTest(unittest.TestCase):
    def test_many_files_and_one_huge_file(self):
        count = env_int("HOST_EXPORTER_TEXTFILES", 5000)
        # Half the default --collector.timeout for 5,000 files (measured:
        # 0.2-0.4 s under ASan, 0.8 s under TSan), scaled for more.
        timeout_s = 2.0 * max(1, count // 5000)
        d = tempfile.mkdtemp(prefix="reliability-textfile-")
        self.addCleanup(shutil.rmtree, d)
        t = time.monotonic()
        write_textfiles(d, count)
        write_s = time.monotonic() - t
        port = free_port()
        exp = Exporter(fixture_flags() + [
            "--web.listen-address=127.0.0.1:%d" % port,
            "--collection.interval=%gs" % timeout_s, "--collector.timeout=%gs" % timeout_s,
            "--collector.disable-defaults", "--collector.textfile",
            "--collector.loadavg", "--collector.textfile.directory=" + d,
            "--collector.textfile.max-file-size=16MiB"],
            port, env=lean_asan_env(), wait_ready=False)
        self.addCleanup(exp.stop)
        exp.wait_http("/-/ready", timeout=30)
        pid = exp.proc.pid

        text = metrics(port)
        series, _ = parse_exposition(text)
        duration = value(text, 'node_scrape_collector_duration_seconds{collector="textfile"}')
        self.assertEqual(value(text, 'node_scrape_collector_success{collector="textfile"}'),
                         1, "textfile collector failed or timed out")
        self.assertLess(duration, timeout_s)
        self.assertEqual(value(text, "node_textfile_scrape_error"), 0)
        shared = [k for k in series if k[0] == "reliability_textfile_shared"]
        own = [k for k in series if k[0].startswith("reliability_textfile_file_")]
        mtimes = [k for k in series if k[0] == "node_textfile_mtime_seconds"]
        self.assertEqual((len(shared), len(own), len(mtimes)), (count, count, count))
        self.assertEqual(series[("reliability_textfile_file_%d" % (count - 1),
                                 frozenset())], count - 1)

        # Then one 100 MB file among them: over --collector.textfile.max-file-size,
        # so skipped without being read. First, what two cycles read without it.
        window = 2 * timeout_s + 0.5
        read0 = rchar(pid)
        time.sleep(window)
        read_without = rchar(pid) - read0
        hwm0, rss0 = rss_kb(pid, "VmHWM"), rss_kb(pid)
        big = os.path.join(d, "zz_huge.prom")
        line = b'reliability_textfile_huge{i="%d"} 1\n'
        block = b"".join(line % i for i in range(30000))
        t = time.monotonic()
        with open(big, "wb") as f:
            written = 0
            while written < 100 * 1024 * 1024:
                f.write(block)
                written += len(block)
        big_write_s = time.monotonic() - t
        deadline = time.monotonic() + 20
        while True:
            text = metrics(port)
            if value(text, "node_textfile_scrape_error") == 1:
                break
            self.assertLess(time.monotonic(), deadline, "big file not seen as an error")
            time.sleep(0.1)
        # Two more cycles with the big file in place.
        read0 = rchar(pid)
        time.sleep(window)
        read_with = rchar(pid) - read0
        text = metrics(port)
        series, _ = parse_exposition(text)
        hwm1, rss1 = rss_kb(pid, "VmHWM"), rss_kb(pid)
        duration_big = value(text, 'node_scrape_collector_duration_seconds{collector="textfile"}')
        shared = [k for k in series if k[0] == "reliability_textfile_shared"]
        report("textfile", "%d files (written in %.1f s): collected in %.3f s (deadline "
               "%.0f s), %d+%d series + %d mtimes; with a %d MB file added: %.3f s, "
               "scrape_error %g, bytes read in %.1f s %d without it, %d with it, RSS %d -> "
               "%d kB, peak RSS %d -> %d kB" %
               (count, write_s, duration, timeout_s, count, count, count,
                written // (1024 * 1024), duration_big,
                value(text, "node_textfile_scrape_error"), window, read_without, read_with,
                rss0, rss1, hwm0, hwm1))
        self.assertEqual(value(text, 'node_scrape_collector_success{collector="textfile"}'), 1)
        self.assertEqual(value(text, "node_textfile_scrape_error"), 1)
        self.assertLess(duration_big, timeout_s)
        self.assertEqual(len(shared), count, "other files' series lost")
        self.assertNotIn("reliability_textfile_huge", text)
        self.assertNotIn('node_textfile_mtime_seconds{file="%s"}' % big, text)
        log = exp.output()
        self.assertRegex(log, re.escape(big) + r"[^\n]*max-file-size",
                         "no log line naming the big file")
        # Never read: the process reads no more with it than without it (the
        # 16 MiB limit would be crossed by a read that stops at the limit)...
        self.assertLess(read_with - read_without, 8 * 1024 * 1024)
        # ...and RSS does not move by anything near 100 MB (reading it would
        # hold at least its 100 MB of text; the rest is the 5,000-file cycles
        # themselves, up to ~40 MB of peak under TSan; with more files their
        # own peak grows too, so the peak is checked at the default size).
        self.assertLess(rss1 - rss0, 64 * MB)
        if count <= 5000:
            self.assertLess(hwm1 - hwm0, 64 * MB)


class FifoTest(unittest.TestCase):
    def test_fifo_among_textfiles_does_not_block(self):
        d = tempfile.mkdtemp(prefix="reliability-fifo-")
        self.addCleanup(shutil.rmtree, d)
        with open(os.path.join(d, "a.prom"), "w") as f:
            f.write("reliability_fifo_neighbour 1\n")
        fifo = os.path.join(d, "x.prom")
        os.mkfifo(fifo)
        # A symlink to the FIFO, inside the directory, must not block either.
        os.symlink("x.prom", os.path.join(d, "y.prom"))
        port = free_port()
        interval = 0.2
        exp = Exporter(fixture_flags() + [
            "--web.listen-address=127.0.0.1:%d" % port,
            "--collection.interval=200ms", "--collector.timeout=200ms",
            "--collector.disable-defaults", "--collector.textfile",
            "--collector.loadavg", "--collector.time",
            "--collector.textfile.directory=" + d], port)
        self.addCleanup(exp.stop)
        pid = exp.proc.pid
        thr0 = threads(pid)
        seen, worst_scrape, worst_collect, thread_counts = set(), 0.0, 0.0, set()
        start = time.monotonic()
        while len(seen) < 25:  # 25 cycles
            t = time.monotonic()
            text = metrics(port)
            worst_scrape = max(worst_scrape, time.monotonic() - t)
            self.assertEqual(
                value(text, 'node_scrape_collector_success{collector="textfile"}'), 1,
                "textfile collector timed out on the FIFO")
            self.assertEqual(value(text, "node_textfile_scrape_error"), 1)
            self.assertEqual(value(text, "reliability_fifo_neighbour"), 1)
            worst_collect = max(worst_collect, value(
                text, 'node_scrape_collector_duration_seconds{collector="textfile"}'))
            seen.add(value(text, "node_time_seconds"))  # one per cycle
            thread_counts.add(threads(pid))
            self.assertLess(time.monotonic() - start, 60, "cycles do not advance")
            time.sleep(interval / 2)
        elapsed = time.monotonic() - start
        thr1 = threads(pid)
        report("fifo", "x.prom a FIFO and y.prom a symlink to it: %.1f s of cycles, "
               "textfile success 1 in each, slowest collection %.1f ms (deadline "
               "200 ms), slowest scrape %.1f ms, threads %d -> %d (range %d-%d)" %
               (elapsed, worst_collect * 1000, worst_scrape * 1000, thr0, thr1,
                min(thread_counts), max(thread_counts)))
        self.assertLess(worst_collect, 0.2)
        self.assertEqual(thr1, thr0, "thread pile-up")
        self.assertEqual(len(thread_counts), 1, thread_counts)
        log = exp.output()
        self.assertIn(fifo + ": is a FIFO, skipped", log)

    def test_collector_blocked_on_a_fifo_times_out(self):
        # The textfile collector refuses FIFOs; the others open their files
        # with a plain blocking open(). A procfs whose loadavg is a FIFO
        # with no writer blocks the loadavg collector forever: it must time
        # out each cycle, not be started again while stuck (no thread
        # pile-up), the others and the scrapes must carry on, and it must
        # recover once the FIFO gets a writer.
        root = tempfile.mkdtemp(prefix="reliability-stuck-")
        self.addCleanup(shutil.rmtree, root)
        os.mkdir(os.path.join(root, "proc"))
        fifo = os.path.join(root, "proc", "loadavg")
        os.mkfifo(fifo)
        tdir = os.path.join(root, "textfile")
        os.mkdir(tdir)
        with open(os.path.join(tdir, "a.prom"), "w") as f:
            f.write("reliability_stuck_neighbour 1\n")
        port = free_port()
        exp = Exporter(["--path.procfs=" + os.path.join(root, "proc"),
                        "--path.sysfs=" + os.path.join(root, "sys"),
                        "--path.rootfs=" + root,
                        "--web.listen-address=127.0.0.1:%d" % port,
                        "--collection.interval=200ms", "--collector.timeout=100ms",
                        "--collector.disable-defaults", "--collector.loadavg",
                        "--collector.time", "--collector.textfile",
                        "--collector.textfile.directory=" + tdir], port)
        pid = exp.proc.pid
        stopped = []
        self.addCleanup(lambda: stopped or exp.stop())

        def cycles(n):
            seen, counts, worst = set(), [], 0.0
            deadline = time.monotonic() + 60
            while len(seen) < n:
                t = time.monotonic()
                text = metrics(port)
                worst = max(worst, time.monotonic() - t)
                seen.add(value(text, "node_time_seconds"))
                counts.append(len(os.listdir("/proc/%d/task" % pid)))
                self.assertLess(time.monotonic(), deadline, "cycles do not advance")
                time.sleep(0.1)
            return text, counts, worst

        text, counts0, _ = cycles(5)  # the pool has grown around the stuck one
        text, counts, worst = cycles(25)
        self.assertEqual(value(text, 'node_scrape_collector_success{collector="loadavg"}'), 0)
        self.assertEqual(value(text, 'node_scrape_collector_success{collector="textfile"}'), 1)
        self.assertEqual(value(text, "reliability_stuck_neighbour"), 1)
        self.assertIsNone(value(text, "node_load1"))
        self.assertIn("collector failed", exp.output())
        # Recovery: a writer gives the blocked open() its file.
        fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        os.write(fd, b"0.21 0.34 0.55 2/345 12345\n")
        os.close(fd)
        os.unlink(fifo)
        with open(fifo, "w") as f:
            f.write("0.21 0.34 0.55 2/345 12345\n")
        deadline = time.monotonic() + 10
        while value(metrics(port), 'node_scrape_collector_success{collector="loadavg"}') != 1:
            self.assertLess(time.monotonic(), deadline, "loadavg did not recover")
            time.sleep(0.05)
        _, counts_after, _ = cycles(5)
        # A stuck collector must not stop the process within 2 s either:
        # block it again, then SIGTERM.
        os.unlink(fifo)
        os.mkfifo(fifo)
        cycles(3)
        start = time.monotonic()
        exp.proc.send_signal(signal.SIGTERM)
        rc = exp.proc.wait(30)
        stop_s = time.monotonic() - start
        stopped.append(True)
        exp.stop()
        report("stuck-collector", "loadavg blocked on a FIFO, timeout 100 ms: 25 cycles "
               "with loadavg success 0 and the others 1, threads %d-%d while stuck "
               "(%d-%d in the first 5 cycles), %d-%d after recovery, slowest scrape "
               "%.1f ms; SIGTERM while stuck: exit %d in %.2f s" %
               (min(counts), max(counts), min(counts0), max(counts0),
                min(counts_after), max(counts_after), worst * 1000, rc, stop_s))
        # No pile-up: one thread may be parked in the stuck open(), the pool
        # does not grow cycle after cycle.
        self.assertLessEqual(max(counts), max(counts0))
        self.assertLessEqual(max(counts) - min(counts), 1, counts)
        self.assertLess(worst, 1.0)
        self.assertEqual(rc, 0)
        self.assertLess(stop_s, 2.0)


class LogFileTest(unittest.TestCase):
    def start_fails(self, args, path, wrapper=()):
        t = time.monotonic()
        r = subprocess.run(list(wrapper) + [harness.binary()] + fixture_flags() +
                           ["--web.listen-address=127.0.0.1:%d" % free_port(),
                            "--collection.interval=1h"] + args,
                           capture_output=True, text=True, timeout=20)
        elapsed = time.monotonic() - t
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn(path, r.stderr)
        self.assertLess(elapsed, 5)
        return r.stderr.strip().splitlines()[-1], elapsed

    def test_log_file_that_cannot_be_opened_stops_start_up(self):
        tmp = tempfile.mkdtemp(prefix="reliability-log-")
        self.addCleanup(shutil.rmtree, tmp)
        missing = os.path.join(tmp, "no", "such", "dir", "exporter.log")
        msg, _ = self.start_fails(["--log.file=" + missing], missing)
        report("log-missing-dir", "refused in time, stderr: %s" % msg)
        self.assertIn("cannot open log file", msg)

        # A directory the exporter's user cannot write to. root writes
        # anywhere, so as root run the exporter as nobody.
        ro = os.path.join(tmp, "ro")
        os.mkdir(ro, 0o555)
        os.chmod(tmp, 0o755)
        path = os.path.join(ro, "exporter.log")
        wrapper = ()
        if os.geteuid() == 0:
            setpriv = shutil.which("setpriv")
            if not setpriv:
                self.skipTest("root without setpriv: cannot test an unwritable directory")
            wrapper = (setpriv, "--reuid=65534", "--regid=65534", "--clear-groups")
        msg, _ = self.start_fails(["--log.file=" + path], path, wrapper)
        report("log-unwritable-dir", "refused in time, stderr: %s" % msg)
        self.assertIn("Permission denied", msg)
        self.assertFalse(os.path.exists(path))

    def test_full_log_device_keeps_serving(self):
        if not os.path.exists("/dev/full"):
            self.skipTest("no /dev/full")
        tmp = tempfile.mkdtemp(prefix="reliability-log-")
        self.addCleanup(shutil.rmtree, tmp)
        cfg = os.path.join(tmp, "config.json")
        # A bad textfile makes every new scheduler log a warning, each
        # reload logs three lines more: every one of them fails with ENOSPC.
        with open(os.path.join(tmp, "bad.prom"), "w") as f:
            f.write("this is not { an exposition\n")

        def write_config(meminfo):
            with open(cfg, "w") as f:
                json.dump({"collector.meminfo": meminfo}, f)

        write_config(True)
        port = free_port()
        exp = Exporter(fixture_flags() + [
            "--web.listen-address=127.0.0.1:%d" % port, "--log.file=/dev/full",
            "--collection.interval=200ms", "--collector.disable-defaults",
            "--collector.loadavg", "--collector.textfile",
            "--collector.textfile.directory=" + tmp, "--config.file=" + cfg], port)
        self.addCleanup(exp.stop)
        pid = exp.proc.pid
        time.sleep(0.5)
        fds0, thr0 = fds(pid), threads(pid)
        reloads = 10
        for i in range(reloads):
            meminfo = i % 2 == 1
            write_config(meminfo)
            exp.proc.send_signal(signal.SIGHUP)
            deadline = time.monotonic() + 10
            while ("node_memory_MemTotal_bytes" in metrics(port)) != meminfo:
                self.assertIsNone(exp.proc.poll(), "died with the log on /dev/full")
                self.assertLess(time.monotonic(), deadline, "reload %d not applied" % i)
                time.sleep(0.05)
        time.sleep(1.0)  # five more cycles
        status = get(port)[0]
        fds1, thr1 = fds(pid), threads(pid)
        report("log-dev-full", "--log.file=/dev/full, %d reloads (each logging, every "
               "write ENOSPC): alive %s, /metrics %d, fds %d -> %d, threads %d -> %d" %
               (reloads, exp.proc.poll() is None, status, fds0, fds1, thr0, thr1))
        self.assertIsNone(exp.proc.poll())
        self.assertEqual(status, 200)
        self.assertEqual(fds1, fds0)
        self.assertEqual(thr1, thr0)
        self.assertEqual(exp.output(), "", "log lines went elsewhere than --log.file")

    def test_log_directory_gone_on_reload_keeps_old_log(self):
        tmp = tempfile.mkdtemp(prefix="reliability-log-")
        self.addCleanup(shutil.rmtree, tmp)
        logdir = os.path.join(tmp, "logs")
        os.mkdir(logdir)
        log = os.path.join(logdir, "exporter.log")
        port = free_port()
        exp = Exporter(fixture_flags() + [
            "--web.listen-address=127.0.0.1:%d" % port, "--log.file=" + log,
            "--collection.interval=200ms", "--collector.disable-defaults",
            "--collector.loadavg"], port)
        self.addCleanup(exp.stop)
        moved = os.path.join(tmp, "moved")
        os.rename(logdir, moved)  # the path no longer exists; the fd does
        exp.proc.send_signal(signal.SIGHUP)
        old = os.path.join(moved, "exporter.log")
        deadline = time.monotonic() + 10
        # A reload applies all or nothing: the log file cannot be reopened,
        # so the reload fails and the running config (old log) stays.
        while "reload failed" not in read(old):
            self.assertIsNone(exp.proc.poll())
            self.assertLess(time.monotonic(), deadline, read(old))
            time.sleep(0.05)
        text = read(old)
        self.assertNotIn("configuration reloaded", text)
        self.assertIn(log, text)
        self.assertEqual(get(port)[0], 200)
        line = [l for l in text.splitlines() if "reload failed" in l][0]
        report("log-dir-gone-on-reload", "alive, /metrics 200, old log kept: %s" % line)


class SigtermTest(unittest.TestCase):
    def test_sigterm_with_a_scrape_in_flight(self):
        # A body of about 1 MB, read by a client with a small receive window.
        d = tempfile.mkdtemp(prefix="reliability-sigterm-")
        self.addCleanup(shutil.rmtree, d)
        with open(os.path.join(d, "big.prom"), "w") as f:
            for i in range(40000):
                f.write('reliability_sigterm{i="%d"} %d\n' % (i, i))
        port = free_port()
        exp = Exporter(fixture_flags() + [
            "--web.listen-address=127.0.0.1:%d" % port, "--collection.interval=1h",
            "--collector.textfile.directory=" + d], port)
        self.addCleanup(exp.stop)
        # Besides the scrape: an idle keep-alive connection and a client that
        # has sent half a request.
        idle = socket.create_connection(("127.0.0.1", port), timeout=5)
        self.addCleanup(idle.close)
        send_request(idle, "127.0.0.1", "GET", "/-/healthy")
        self.assertEqual(read_response(idle)[0], 200)
        half = socket.create_connection(("127.0.0.1", port), timeout=5)
        self.addCleanup(half.close)
        half.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n")
        s = socket.socket()
        self.addCleanup(s.close)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.settimeout(10)
        s.connect(("127.0.0.1", port))
        send_request(s, "127.0.0.1", "GET", "/metrics")
        status, h, got = read_response(s)
        self.assertEqual(status, 200)
        length = int(h["content-length"])
        got = len(got)
        time.sleep(0.2)  # the server is blocked writing the rest
        start = time.monotonic()
        exp.proc.send_signal(signal.SIGTERM)
        exited = []

        def wait():
            exp.proc.wait(30)
            exited.append(time.monotonic() - start)

        waiter = threading.Thread(target=wait)
        waiter.start()
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            got += len(chunk)
        waiter.join(30)
        report("sigterm-in-flight", "exit code %s %.2f s after SIGTERM, in-flight "
               "scrape got %d of %d bytes, with an idle keep-alive connection and a "
               "half-sent request open" % (exp.proc.returncode, exited[0], got, length))
        self.assertEqual(exp.proc.returncode, 0)
        self.assertLess(exited[0], 2.0)
        self.assertEqual(got, length, "in-flight scrape cut short")


if __name__ == "__main__":
    harness.main()
