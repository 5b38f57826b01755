"""The cgroup collector on this host's real cgroups (v2, or v1/hybrid with
/sys/fs/cgroup/unified): the exporter's own cgroup is reported, and its
values agree with the files and with each other. Skips where there is no
cgroup filesystem or the exporter runs in the root cgroup (77 if all skip).

And the same series reach the push sinks: the InfluxDB sink, on the cgroup
v2 fixture, posts a node_cgroup_* line to a loopback receiver."""
import json
import os
import shutil
import tempfile
import time
import unittest

import harness
from test_push_queue import FaultServer

CGROUP = "/sys/fs/cgroup"


def own_group():
    """(layout, path of this process' cgroup, directory of its memory files)
    or None in the root cgroup."""
    with open("/proc/self/cgroup") as f:
        lines = [l.rstrip("\n").split(":", 2) for l in f if l.strip()]
    if os.path.exists(os.path.join(CGROUP, "cgroup.controllers")):
        path = next(p for h, c, p in lines if h == "0")
        return ("v2", path, CGROUP + path) if path != "/" else None
    for _, controllers, path in lines:
        if "memory" in controllers.split(",") and path != "/":
            return ("v1", path, os.path.join(CGROUP, "memory") + path)
    return None


def value(series, name, group):
    return series.get((name, frozenset({("cgroup", group)})))


class PushSinkTest(unittest.TestCase):
    def test_cgroup_series_reach_the_influxdb_sink(self):
        server = FaultServer(cut=0)
        self.addCleanup(server.close)
        tmp = tempfile.mkdtemp(prefix="cgroup-push-")
        self.addCleanup(shutil.rmtree, tmp, True)
        config = os.path.join(tmp, "config.json")
        with open(config, "w") as f:
            json.dump({"database": {"type": "influxdb",
                                    "url": "http://127.0.0.1:%d" % server.port,
                                    "flush_interval": "1s"}}, f)
        port = harness.free_port()
        with harness.Exporter(["--web.listen-address=127.0.0.1:%d" % port,
                               "--config.file=" + config, "--collection.interval=1s",
                               "--collector.disable-defaults", "--collector.cgroup"] +
                              harness.fixture_flags(), port):
            def line():
                for body in list(server.accepted):
                    for l in body.decode().splitlines():
                        if l.startswith("node_cgroup_memory_usage_bytes,") and \
                                "cgroup=/system.slice/nginx.service" in l:
                            return l
                return None
            got = harness.wait_for("a node_cgroup line at the InfluxDB receiver", line)
        # The fixture's memory.current of nginx.service.
        self.assertIn(" value=41943040 ", got)


class HostCgroupTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.path.isdir(CGROUP) or not os.listdir(CGROUP):
            raise unittest.SkipTest("no cgroup filesystem at " + CGROUP)
        cls.own = own_group()
        if cls.own is None:
            raise unittest.SkipTest("this process runs in the root cgroup")

    def scrape_pair(self, args):
        port = harness.free_port()
        with harness.Exporter(["--web.listen-address=127.0.0.1:%d" % port,
                               "--collector.disable-defaults", "--collector.cgroup",
                               "--collection.interval=200ms"] + args, port) as e:
            first = harness.wait_for(
                "a cgroup series",
                lambda: (lambda s: s if any(n == "node_cgroup_groups" for n, _ in s) else None)(
                    harness.scrape_series(port)))
            time.sleep(0.5)
            second = harness.scrape_series(port)
            e.stop()
        return first, second

    def test_own_group_is_reported_and_sane(self):
        layout, group, memdir = self.own
        depth = group.count("/")
        first, second = self.scrape_pair(["--collector.cgroup.include=",
                                          "--collector.cgroup.depth=%d" % depth])
        self.assertEqual(second[("node_scrape_collector_success",
                                 frozenset({("collector", "cgroup")}))], 1)
        self.assertGreaterEqual(second[("node_cgroup_groups",
                                        frozenset({("state", "reported")}))], 1)
        self.assertEqual(second[("node_cgroup_groups", frozenset({("state", "dropped")}))], 0)

        usage = value(second, "node_cgroup_memory_usage_bytes", group)
        self.assertIsNotNone(usage, "no memory usage for %s (%s)" % (group, layout))
        file_name = "memory.current" if layout == "v2" else "memory.usage_in_bytes"
        with open(os.path.join(memdir, file_name)) as f:
            now = int(f.read())
        with open("/proc/meminfo") as f:
            mem_total = int(f.readline().split()[1]) * 1024
        self.assertGreater(usage, 0)
        self.assertLessEqual(usage, mem_total)
        # The same group's file read a moment later: within a factor of 4
        # (this session's processes come and go).
        self.assertLess(max(usage, now) / min(usage, now), 4, (usage, now))
        ws = value(second, "node_cgroup_memory_working_set_bytes", group)
        if ws is not None:
            self.assertLessEqual(ws, usage)
        for name in ("node_cgroup_memory_rss_bytes", "node_cgroup_memory_cache_bytes"):
            v = value(second, name, group)
            self.assertIsNotNone(v, name)
            self.assertGreaterEqual(v, 0)
            self.assertLessEqual(v, mem_total)

        # Counters of every reported group never go down between two scrapes,
        # and CPU time is below what the machine's CPUs can have given since
        # boot.
        with open("/proc/uptime") as f:
            cpu_limit = float(f.read().split()[0]) * os.cpu_count()
        counters = 0
        for (name, labels), v in first.items():
            if name.startswith("node_cgroup_") and name.endswith("_total"):
                after = second.get((name, labels))
                if after is not None:
                    counters += 1
                    self.assertGreaterEqual(after, v, (name, labels))
                if name.startswith("node_cgroup_cpu_") and name.endswith("seconds_total"):
                    self.assertLessEqual(v, cpu_limit, (name, labels))
        self.assertGreater(counters, 0)

    def test_default_set_collects_without_error(self):
        _, second = self.scrape_pair([])
        self.assertEqual(second[("node_scrape_collector_success",
                                 frozenset({("collector", "cgroup")}))], 1)
        self.assertEqual(second[("node_cgroup_groups", frozenset({("state", "dropped")}))], 0)


if __name__ == "__main__":
    harness.main()
