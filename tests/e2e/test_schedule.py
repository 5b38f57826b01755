"""Cycles follow the scrapers: a client scraping every second gets values
collected just before each scrape, although --collection.interval is 30 s
(the cadence without scrapers). The age of the values at a scrape is the
scrape's time minus host_exporter_cycle_end_timestamp_seconds.

Loopback only, 14 scrapes in ~14 s.
"""
import statistics
import time
import unittest

import harness
from harness import Exporter, free_port, parse_exposition, request

PERIOD = 1.0
SCRAPES = 14
LEARN = 5  # scrapes to learn the cadence (three) and a margin


def cycle_end(body):
    series, _ = parse_exposition(body.decode())
    for (name, _labels), value in series.items():
        if name == "host_exporter_cycle_end_timestamp_seconds":
            return value
    raise AssertionError("no host_exporter_cycle_end_timestamp_seconds")


class ScheduleTest(unittest.TestCase):
    def test_cycles_end_just_before_periodic_scrapes(self):
        port = free_port()
        flags = harness.fixture_flags() + [
            "--web.listen-address=127.0.0.1:%d" % port,
            "--collection.interval=30s", "--collector.disable-defaults",
            "--collector.loadavg", "--collector.meminfo"]
        with Exporter(flags, port):
            ages = []
            start = time.monotonic() + 0.3
            for i in range(SCRAPES):
                time.sleep(max(0, start + i * PERIOD - time.monotonic()))
                sent = time.time()
                status, _, body = request("127.0.0.1", port, "GET", "/metrics")
                self.assertEqual(status, 200)
                ages.append(sent - cycle_end(body))
        learned = ages[LEARN:]
        print("ages after learning (s):", " ".join("%.3f" % a for a in learned))
        # Without planning they would grow to ~14 s (one cycle at start).
        self.assertLess(statistics.median(learned), 0.5, ages)
        self.assertLess(max(learned), 2.0, ages)
        # A scrape only copies a snapshot: never a value from the future.
        self.assertGreater(min(learned), -0.05, ages)


if __name__ == "__main__":
    harness.main()
