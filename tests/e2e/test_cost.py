"""What an exporter costs in memory: after a burst of parallel scrapes the
process keeps at most two malloc arenas (glibc's default is 8 per CPU, one
per allocating thread here: 13 after this burst), each arena holding its
freed memory resident; an exporter without TLS, basic auth or push sinks
has neither OpenSSL nor libcurl mapped (both are dlopen()ed when configured).

Loopback only: 8 clients x 15 scrapes, a few seconds; two exporters with
40,000 textfile series scraped 3 times each, about 15 s.
"""
import os
import tempfile
import threading
import time
import unittest

import harness
from harness import Exporter, free_port, request

ARENA = 64 << 20  # glibc's HEAP_MAX_SIZE: each thread arena is one such region


def arenas(pid):
    """Thread arenas: anonymous mappings aligned to 64 MiB (the main arena
    is the brk heap)."""
    n = 0
    with open("/proc/%d/maps" % pid) as f:
        for line in f:
            fields = line.split()
            if len(fields) != 5:
                continue  # file-backed, [heap], [stack], ...
            start = int(fields[0].split("-")[0], 16)
            if start % ARENA == 0 and fields[1].startswith("rw"):
                n += 1
    return n


# Libraries loaded only when the configuration needs them; the TLS tests of
# test_web.py check that OpenSSL is then mapped, test_dbus_collectors.py
# that libsystemd is.
LAZY_LIBRARIES = ("libssl.so", "libcrypto.so", "libcurl.so", "libsystemd.so")


def rss_anon_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("RssAnon:"):
                return int(line.split()[1])
    return 0


def mapped_libraries(pid):
    with open("/proc/%d/maps" % pid) as f:
        return {line.split()[-1].rsplit("/", 1)[-1] for line in f
                if len(line.split()) == 6}


class CostTest(unittest.TestCase):
    def test_no_openssl_or_curl_mapped_without_tls_or_push(self):
        port = free_port()
        flags = harness.fixture_flags() + ["--web.listen-address=127.0.0.1:%d" % port]
        with Exporter(flags, port) as e:
            for _ in range(3):
                status, _, _ = request("127.0.0.1", port, "GET", "/metrics",
                                       headers={"Accept": "application/vnd.google."
                                                "protobuf;proto=io.prometheus.client."
                                                "MetricFamily;encoding=delimited"})
                self.assertEqual(status, 200)
            libs = mapped_libraries(e.pid)
        self.assertTrue(any(n.startswith("libc.so") for n in libs), sorted(libs))
        loaded = sorted(n for n in libs if n.startswith(LAZY_LIBRARIES))
        self.assertEqual(loaded, [], "mapped without TLS or push configured")

    def test_large_freed_blocks_leave_the_heap(self):
        # 40,000 textfile series: each cycle's text, gzip and OpenMetrics
        # bodies are blocks of hundreds of KB to 2.5 MB. With glibc's dynamic
        # thresholds the first of them freed raises the mmap threshold, the
        # next come from the heap and the raised trim threshold keeps their
        # freed memory resident. The same exporter side by side with
        # GLIBC_TUNABLES set (src/main.cc's TuneMalloc then leaves glibc's
        # thresholds alone) must end up with clearly less.
        with tempfile.TemporaryDirectory(prefix="cost-") as d:
            with open(os.path.join(d, "big.prom"), "w") as f:
                f.write("# HELP cost_series A generated series.\n"
                        "# TYPE cost_series gauge\n")
                for i in range(40000):
                    f.write('cost_series{instance="host-%06d",job="cost"} %d\n' % (i, i))
            ports = [free_port(), free_port()]
            envs = [None, dict(os.environ, GLIBC_TUNABLES="glibc.malloc.arena_max=2")]
            exporters = []
            try:
                for port, env in zip(ports, envs):
                    exporters.append(Exporter(
                        ["--web.listen-address=127.0.0.1:%d" % port,
                         "--collector.disable-defaults", "--collector.textfile",
                         "--collector.textfile.directory=" + d,
                         "--collection.interval=2s", "--collector.timeout=2s"],
                        port, env=env))
                with open("/proc/%d/maps" % exporters[0].pid) as f:
                    if "libasan" in f.read():
                        self.skipTest("AddressSanitizer build: its malloc is not glibc's")
                for headers in ({}, {"Accept-Encoding": "gzip"},
                                {"Accept": "application/openmetrics-text"}):
                    for port in ports:
                        status, _, _ = request("127.0.0.1", port, "GET", "/metrics",
                                               headers=headers)
                        self.assertEqual(status, 200)
                    time.sleep(2.2)  # a new cycle, its snapshot encoded anew
                tuned, untuned = [rss_anon_kb(e.pid) for e in exporters]
            finally:
                for e in exporters:
                    e.close()
        print("RssAnon after 3 cycles of 40,000 series: %d kB, %d kB with glibc's "
              "dynamic thresholds" % (tuned, untuned))
        self.assertLess(tuned, untuned * 0.85, "freed large blocks kept in the heap")

    def test_parallel_scrapes_use_at_most_two_arenas(self):
        port = free_port()
        flags = harness.fixture_flags() + ["--web.listen-address=127.0.0.1:%d" % port]
        with Exporter(flags, port) as e:
            with open("/proc/%d/maps" % e.pid) as f:
                if "libasan" in f.read():
                    # The sanitized test build's malloc is ASan's, not glibc's.
                    self.skipTest("AddressSanitizer build: no glibc malloc arenas")
            errors = []

            def client():
                for _ in range(15):
                    status, _, _ = request("127.0.0.1", port, "GET", "/metrics")
                    if status != 200:
                        errors.append(status)

            threads = [threading.Thread(target=client) for _ in range(8)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=60)
            self.assertEqual(errors, [])
            n = arenas(e.pid)
        # M_ARENA_MAX 2: the main arena (brk) and at most one more.
        self.assertLessEqual(n, 1, "thread arenas: %d" % n)


if __name__ == "__main__":
    harness.main()
