"""The /proc and /sys collectors node_exporter 1.9 added or has default off
(softirqs, watchdog, cpu_vulnerabilities, buddyinfo, ksmd, zoneinfo,
slabinfo, sysctl, cgroups, lnstat, drm, xfrm, drbd, and qdisc on its JSON
fixture), against node_exporter 1.9.0
itself (Debian 13's binary as scripts/fetch-reference unpacks it in
.cache/reference, or $NODE_EXPORTER_19) on the fixture root: the same
series, label values, samples, HELP and TYPE. Skips (77) without that
binary.

One difference is deliberate: 1.9 (procfs 0.15) reports a DRM card whose
driver is not amdgpu as an all-zero "amd" card; 1.12 and host_exporter
leave it out.
"""
import os
import subprocess
import unittest

import harness
from harness import NodeExporter, free_port, parse_exposition, request

NE19 = harness.NODE_EXPORTER_19

COLLECTORS = ["softirqs", "watchdog", "cpu_vulnerabilities", "buddyinfo", "ksmd",
              "zoneinfo", "slabinfo", "sysctl", "cgroups", "lnstat", "drm", "xfrm",
              "drbd", "qdisc"]
FLAGS = (["--collector.disable-defaults"] + ["--collector." + c for c in COLLECTORS] +
         ["--collector.sysctl.include=fs.file-nr",
          "--collector.sysctl.include=fs.file-nr:total,current,max",
          "--collector.sysctl.include=kernel.threads-max",
          "--collector.sysctl.include-info=kernel.seccomp.actions_avail",
          "--collector.slabinfo.slabs-exclude=^kmalloc-64$",
          "--collector.qdisc.fixtures=" +
          os.path.join(harness.SOURCE_ROOT, "tests", "fixtures", "qdisc")])


def node_only(text):
    """The node_* series and their HELP/TYPE, without scrape durations and
    node_exporter's build info."""
    skip = ("node_scrape_collector_duration_seconds", "node_exporter_build_info")
    series, meta = parse_exposition(text)
    series = {k: v for k, v in series.items() if k[0].startswith("node_") and k[0] not in skip}
    meta = {k: v for k, v in meta.items() if k.startswith("node_") and k not in skip}
    return series, meta


class CollectorsAgainstNodeExporter19(unittest.TestCase):
    def test_same_output_on_fixture_root(self):
        version = harness.node_exporter_version(NE19)
        if not version:
            self.skipTest("no node_exporter 1.9 at %s (scripts/fetch-reference)" % NE19)
        if not version.startswith("1.9."):
            self.skipTest("%s is not node_exporter 1.9" % NE19)
        flags = harness.fixture_flags() + FLAGS
        port = free_port()
        ne = NodeExporter(flags + ["--web.listen-address=127.0.0.1:%d" % port], port, exe=NE19)
        try:
            status, _, body = request("127.0.0.1", port, "GET", "/metrics")
            self.assertEqual(status, 200)
        finally:
            ne.stop()
        r = subprocess.run([harness.binary(), "--once"] + flags, capture_output=True,
                           text=True, timeout=60, env=dict(os.environ, TZ="UTC"))
        self.assertEqual(r.returncode, 0, r.stderr)
        want, want_meta = node_only(body.decode())
        got, got_meta = node_only(r.stdout)
        # 1.9's phantom card (see the module's text).
        phantom = {k for k in want if k[0].startswith("node_drm_") and
                   ("card", "card1") in k[1]}
        self.assertEqual(len(phantom), 8, sorted(phantom))
        for k in phantom:
            del want[k]
        self.assertEqual(sorted(set(want) - set(got)), [], "series only node_exporter has")
        self.assertEqual(sorted(set(got) - set(want)), [], "series only we have")
        self.assertEqual({k: (want[k], got[k]) for k in want if want[k] != got[k]}, {},
                         "values differ")
        self.assertEqual({k: (want_meta[k], got_meta.get(k)) for k in want_meta
                          if want_meta[k] != got_meta.get(k)}, {}, "HELP/TYPE differ")
        for c in COLLECTORS:
            self.assertEqual(got[("node_scrape_collector_success",
                                  frozenset({("collector", c)}))], 1, c)
        print("\nagainst node_exporter 1.9: %d series, %d families equal" %
              (len(got), len(got_meta)))


if __name__ == "__main__":
    harness.main()
