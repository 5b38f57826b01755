"""The landing page in headless Chromium (Debian's chromium, driven by
playwright-core from tests/node/): it loads without console errors or foreign
requests, its four live charts fill from the exporter's own data within
seconds, its links work, also under --web.route-prefix with a custom
--web.telemetry-path; and it is small and self-contained. Saves screenshots
to tests/e2e/artifacts/ in the build directory.
"""
import json
import os
import re
import shutil
import unittest

import harness
import nodetools
from harness import Exporter, free_port, request

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium")


def artifacts_dir():
    exe = os.environ.get("HOST_EXPORTER")
    base = os.path.dirname(os.path.abspath(exe)) if exe else harness.SOURCE_ROOT
    d = os.path.join(base, "tests", "e2e", "artifacts")
    os.makedirs(d, exist_ok=True)
    return d


def browse(url, screenshot, seconds=20):
    r = nodetools.run("landing_check.mjs", [url, screenshot, str(seconds)], timeout=180)
    try:
        report = json.loads(r.stdout)
    except ValueError:
        raise AssertionError("landing_check.mjs failed:\n%s%s" % (r.stdout, r.stderr))
    return report


class LandingPageTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not CHROMIUM:
            raise unittest.SkipTest("chromium is not installed (apt-get install chromium)")
        os.environ.setdefault("CHROMIUM", CHROMIUM)

    def check_report(self, report, metrics_url):
        self.assertTrue(report["ok"], json.dumps(report, indent=2))
        self.assertEqual(report["status"], 200)
        self.assertEqual(report["console"], [], "console errors or warnings")
        self.assertEqual(report["pageErrors"], [])
        self.assertEqual(report["failedRequests"], [])
        self.assertEqual(report["foreignRequests"], [], "the page must work offline")
        for name, chart in report["charts"].items():
            self.assertGreaterEqual(chart["points"], 2, name)
            self.assertEqual(chart["polyline"], chart["points"], name)
            self.assertNotEqual(chart["value"], "–", name)
        self.assertRegex(report["charts"]["cpu"]["value"], r"^\d+\.\d %$")
        self.assertRegex(report["charts"]["mem"]["value"], r"^\d+\.\d %$")
        self.assertRegex(report["charts"]["disk"]["value"], r"^[\d.]+ [kMGT]?B/s$")
        self.assertRegex(report["charts"]["net"]["value"], r"^[\d.]+ [kMGT]?B/s$")
        t = report["texts"]
        self.assertTrue(t["host"].strip())
        self.assertIn(t["host"], t["title"])
        self.assertRegex(t["header"], r"host_exporter \d+\.\d+\.\d+")
        self.assertRegex(t["uptime"], r"\d+ (d|h|min)")
        self.assertRegex(t["exporterUptime"], r"\d+ (d|h|min)")
        self.assertGreater(t["collectors"], 5)
        self.assertGreater(t["collectorsOk"], 5)
        self.assertIn("Updated", t["status"])
        self.assertEqual(report["links"]["Metrics"], metrics_url)
        self.assertNotIn("Documentation", report["links"])  # offline: no off-site link
        for text in ("Metrics", "Health", "Readiness"):
            self.assertEqual(report["linkStatus"][text], 200, text)

    def test_page_in_chromium(self):
        port = free_port()
        with Exporter(["--web.listen-address=127.0.0.1:%d" % port,
                       "--collection.interval=1s"], port):
            shot = os.path.join(artifacts_dir(), "landing.png")
            report = browse("http://127.0.0.1:%d/" % port, shot)
            self.check_report(report, "http://127.0.0.1:%d/metrics" % port)
            self.assertTrue(os.path.getsize(shot) > 10000)
            print("\nscreenshot: %s" % shot)

    def test_route_prefix_and_telemetry_path(self):
        port = free_port()
        with Exporter(["--web.listen-address=127.0.0.1:%d" % port,
                       "--collection.interval=1s", "--web.route-prefix=/node",
                       "--web.telemetry-path=/x/metrics"], port,
                      ready_path="/node/-/ready"):
            # Without the trailing slash, relative links must still resolve
            # under the prefix.
            for path, name in (("/node", "landing-prefix.png"),
                               ("/node/", "landing-prefix-slash.png")):
                with self.subTest(path=path):
                    report = browse("http://127.0.0.1:%d%s" % (port, path),
                                    os.path.join(artifacts_dir(), name), seconds=20)
                    self.check_report(report, "http://127.0.0.1:%d/node/x/metrics" % port)

    def test_page_is_small_and_self_contained(self):
        port = free_port()
        with Exporter(harness.fixture_flags() +
                      ["--web.listen-address=127.0.0.1:%d" % port,
                       "--collection.interval=1h", "--collector.disable-defaults",
                       "--collector.loadavg", "--collector.uname"], port):
            status, h, body = request("127.0.0.1", port, "GET", "/")
        self.assertEqual(status, 200)
        html = body.decode()
        # The template is a few KB; collector rows come on top.
        template = re.sub(r"<tbody id=\"co\">.*?</tbody>", "", html, flags=re.S)
        self.assertLess(len(template.encode()), 10 * 1024)
        # No external scripts, styles, fonts or images, no off-site link: the
        # page works offline; it names the man page and the packaged README.
        self.assertNotRegex(html, r"<script[^>]+src=|<link[^>]+stylesheet|@import|url\(|@font-face")
        self.assertEqual(re.findall(r"https?://", html), [])
        self.assertIn("man host_exporter", html)
        # The uname collector on the fixture root names the host.
        self.assertIn("<h1>fixture-host</h1>", html)
        self.assertIn('href="./metrics"', html)
        self.assertIn('<tr data-c="loadavg">', html)


if __name__ == "__main__":
    harness.main()
