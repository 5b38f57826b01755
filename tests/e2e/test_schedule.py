"""Cycles follow the scrapers: a client scraping every second gets values
collected just before each scrape, although --collection.interval is 30 s
(the cadence without scrapers). The age of the values at a scrape is the
scrape's time minus host_exporter_cycle_end_timestamp_seconds; one cycle per
scrape (host_exporter_cycles_total).

An idle exporter (no scraper, a 1 h interval) sleeps: no thread wakes on a
timer (CivetWeb's listener, the connection gate, the scheduler's loop and
pool all block without a timeout); without a push sink libcurl is not loaded.

Loopback only, 14 scrapes in ~14 s; 3 s idle.
"""
import os
import statistics
import time
import unittest

import harness
from harness import Exporter, free_port, parse_exposition, request

PERIOD = 1.0
SCRAPES = 14
LEARN = 5  # scrapes to learn the cadence (three) and a margin


def self_metric(body, metric):
    series, _ = parse_exposition(body.decode())
    for (name, _labels), value in series.items():
        if name == metric:
            return value
    raise AssertionError("no " + metric)


def cycle_end(body):
    return self_metric(body, "host_exporter_cycle_end_timestamp_seconds")


class ScheduleTest(unittest.TestCase):
    def test_cycles_end_just_before_periodic_scrapes(self):
        port = free_port()
        flags = harness.fixture_flags() + [
            "--web.listen-address=127.0.0.1:%d" % port,
            "--collection.interval=30s", "--collector.disable-defaults",
            "--collector.loadavg", "--collector.meminfo"]
        with Exporter(flags, port):
            ages, cycles = [], []
            start = time.monotonic() + 0.3
            for i in range(SCRAPES):
                time.sleep(max(0, start + i * PERIOD - time.monotonic()))
                sent = time.time()
                status, _, body = request("127.0.0.1", port, "GET", "/metrics")
                self.assertEqual(status, 200)
                ages.append(sent - cycle_end(body))
                cycles.append(self_metric(body, "host_exporter_cycles_total"))
        learned = ages[LEARN:]
        print("ages after learning (s):", " ".join("%.3f" % a for a in learned))
        # Without planning they would grow to ~14 s (one cycle at start).
        self.assertLess(statistics.median(learned), 0.5, ages)
        self.assertLess(max(learned), 2.0, ages)
        # A scrape only copies a snapshot: never a value from the future.
        self.assertGreater(min(learned), -0.05, ages)
        # One cycle per scrape once learnt (host_exporter_cycles_total).
        ran = cycles[-1] - cycles[LEARN]
        print("cycles over the last %d scrapes: %d" % (SCRAPES - 1 - LEARN, ran))
        self.assertGreaterEqual(cycles[LEARN], 1, cycles)
        self.assertLessEqual(abs(ran - (SCRAPES - 1 - LEARN)), 1, cycles)

    def test_idle_exporter_does_not_wake(self):
        port = free_port()
        flags = harness.fixture_flags() + [
            "--web.listen-address=127.0.0.1:%d" % port,
            "--collection.interval=1h", "--collection.max-age=1h"]
        with Exporter(flags, port) as e:
            time.sleep(0.5)  # the readiness probe's connection is done

            def wakes():
                per = {}
                for tid in os.listdir("/proc/%d/task" % e.pid):
                    try:
                        with open("/proc/%d/task/%s/status" % (e.pid, tid)) as f:
                            for line in f:
                                if line.startswith("voluntary_ctxt_switches"):
                                    per[tid] = int(line.split()[1])
                    except OSError:
                        pass
                return per

            before = wakes()
            time.sleep(3)
            after = wakes()
            with open("/proc/%d/maps" % e.pid) as f:
                libs = {line.split()[-1].rsplit("/", 1)[-1] for line in f
                        if ".so" in line}
        # Without a push sink libcurl (and GnuTLS, krb5, LDAP behind it) is
        # not loaded: it is dlopen()ed when a sink needs it.
        self.assertFalse([l for l in libs if l.startswith("libcurl")], sorted(libs))
        woken = {t: after[t] - before.get(t, 0) for t in after
                 if after[t] != before.get(t, 0)}
        # CivetWeb's listener used to poll every 200 ms (15 wake-ups here).
        self.assertLessEqual(sum(woken.values()), 2, woken)


if __name__ == "__main__":
    harness.main()
