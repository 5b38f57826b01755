"""Hostile configuration against the live binary: what --check-config accepts
must start, a SIGHUP reload applies all of a config or none of it, config
files that are huge, deep, FIFOs or devices are refused at once, and a stop
stays bounded whatever the reload was doing. Loopback only, each exporter
stops by itself; the whole file runs in about ten seconds."""
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

import harness
from harness import Exporter, fixture_flags, free_port, request

# A string of a bcrypt hash's shape ($2y$, 60 characters): the web config
# checks the form when loading; no request here logs in.
HASH = "$2y$10$" + "a" * 53


def report(check, figures):
    print("\nconfig-hostile: %s: %s" % (check, figures), flush=True)


def read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except FileNotFoundError:
        return ""


class Tmp(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="config-hostile-")
        self.addCleanup(shutil.rmtree, self.tmp)

    def path(self, name):
        return os.path.join(self.tmp, name)

    def write(self, name, text):
        p = self.path(name)
        with open(p + ".new", "w") as f:
            f.write(text)
        os.rename(p + ".new", p)
        return p

    def run_exporter(self, args, timeout=20):
        """Runs the binary to its end; (returncode, stderr, seconds)."""
        t = time.monotonic()
        r = subprocess.run([harness.binary()] + fixture_flags() + args,
                           capture_output=True, text=True, timeout=timeout)
        return r.returncode, r.stderr, time.monotonic() - t


class CheckConfigTest(Tmp):
    """--check-config runs the checks start-up runs (short of binding)."""

    def cases(self):
        # Each case its own file: they are all written before the first runs.
        n = [0]

        def web(text):
            n[0] += 1
            return ["--web.config.file=" + self.write("web%d.yml" % n[0], text)]
        missing = self.path("missing")
        return [
            ("web config: bad YAML", web("tls_server_config: [oops\n"),
             "invalid YAML"),
            ("web config: missing certificate",
             web("tls_server_config:\n  cert_file: %s.crt\n  key_file: %s.key\n"
                 % (missing, missing)), missing + ".crt"),
            ("web config: user name with ':'",
             web('basic_auth_users:\n  "a:b": "%s"\n' % HASH),
             "user names cannot contain ':'"),
            ("log file in a missing directory",
             ["--log.file=" + os.path.join(missing, "x.log")],
             os.path.join(missing, "x.log")),
            ("database.password_file missing",
             self.config({"database": {"type": "influxdb",
                                       "url": "http://127.0.0.1:1",
                                       "username": "u",
                                       "password_file": missing + ".pw"}}),
             "database.password_file"),
            ("database.token_file missing",
             self.config({"database": {"type": "influxdb",
                                       "url": "http://127.0.0.1:1", "org": "o",
                                       "bucket": "b",
                                       "token_file": missing + ".tok"}}),
             "database.token_file"),
            ("remote_write basic_auth.password_file missing",
             self.config({"remote_write": {
                 "url": "http://127.0.0.1:1/api/v1/write",
                 "basic_auth": {"username": "u",
                                "password_file": missing + ".pw"}}}),
             "remote_write.basic_auth.password_file"),
            ("remote_write bearer_token_file missing",
             self.config({"remote_write": {
                 "url": "http://127.0.0.1:1/api/v1/write",
                 "bearer_token_file": missing + ".tok"}}),
             "remote_write.bearer_token_file"),
            ("collection.interval of 1ms", ["--collection.interval=1ms"],
             "collection.interval"),
            ("log file a FIFO without a reader", ["--log.file=" + self.fifo()],
             "No such device or address"),
        ]

    def fifo(self):
        p = self.path("log.fifo")
        os.mkfifo(p)
        return p

    def config(self, doc):
        name = "config%d.json" % len(os.listdir(self.tmp))
        return ["--config.file=" + self.write(name, json.dumps(doc))]

    def test_check_config_refuses_what_start_refuses(self):
        port = free_port()
        listen = ["--web.listen-address=127.0.0.1:%d" % port,
                  "--collection.interval=1h"]
        for name, args, expected in self.cases():
            with self.subTest(name):
                rc, err, secs = self.run_exporter(listen + args + ["--check-config"])
                report("check-config", "%s: exit %d in %.2f s: %s" %
                       (name, rc, secs, err.strip()))
                self.assertEqual(rc, 1, "--check-config accepted it: " + err)
                self.assertIn(expected, err)
                # ... and start-up refuses it too, with the same message.
                rc2, err2, _ = self.run_exporter(listen + args)
                self.assertEqual(rc2, 1, err2)
                self.assertIn(err.strip().splitlines()[-1], err2)
        # --check-config creates no log file.
        log = self.path("new.log")
        rc, err, _ = self.run_exporter(listen + ["--log.file=" + log, "--check-config"])
        self.assertEqual(rc, 0, err)
        self.assertFalse(os.path.exists(log))


class FileBoundsTest(Tmp):
    """Config files that are FIFOs, devices, huge or deeply nested."""

    def check(self, args, expected, limit=3.0):
        rc, err, secs = self.run_exporter(
            ["--web.listen-address=127.0.0.1:%d" % free_port(),
             "--collection.interval=1h", "--check-config"] + args, timeout=30)
        self.assertEqual(rc, 1, err)
        self.assertIn(expected, err)
        self.assertLess(secs, limit)
        return err.strip().splitlines()[-1], secs

    def test_fifo_device_huge_and_deep_files_refused_at_once(self):
        fifo = self.path("config.fifo")
        os.mkfifo(fifo)
        for name, args, expected in [
                ("FIFO config", ["--config.file=" + fifo], "is a FIFO"),
                ("/dev/zero config", ["--config.file=/dev/zero"],
                 "is a character device"),
                ("FIFO web config", ["--web.config.file=" + fifo], "is a FIFO"),
                ("/dev/zero web config", ["--web.config.file=/dev/zero"],
                 "is a character device")]:
            msg, secs = self.check(args, expected)
            report("file-bounds", "%s: %.2f s: %s" % (name, secs, msg))
        huge = self.write("huge.json", '{"log.level": "info"' + " " * (2 << 20) + "}")
        msg, secs = self.check(["--config.file=" + huge], "larger than 1048576 bytes")
        report("file-bounds", "2 MiB config: %.2f s: %s" % (secs, msg))
        huge_web = self.write("huge.yml", "#" * (2 << 20) + "\n")
        msg, secs = self.check(["--web.config.file=" + huge_web], "larger than")
        for depth in (10000, 100000):
            deep = self.write("deep.json", '{"a":' * depth + "1" + "}" * depth)
            # The same bound as the other files: a parser that followed the
            # nesting would overflow its stack (no exit 1) long before; 1 s
            # was too tight for a sanitized build among parallel tests.
            msg, secs = self.check(["--config.file=" + deep], "nested deeper than 32")
            report("file-bounds", "%d nested objects: %.2f s: %s" % (depth, secs, msg))
        deep_web = self.write("deep.yml", "[" * 100000 + "]" * 100000 + "\n")
        msg, secs = self.check(["--web.config.file=" + deep_web], "nested too deeply")
        report("file-bounds", "100000 nested YAML lists: %.2f s: %s" % (secs, msg))


class ReloadTest(Tmp):
    """A reload applies all of a valid config or none of it."""

    def start(self, doc):
        # The listen address in the file: a flag would win over the file's.
        self.cfg = self.write("config.json", json.dumps(doc))
        exp = Exporter(fixture_flags() + [
            "--collection.interval=200ms", "--config.file=" + self.cfg], self.port)
        self.addCleanup(exp.stop)
        return exp

    def metrics(self):
        return request("127.0.0.1", self.port, "GET", "/metrics")[2].decode()

    def reload(self, exp, doc, marker):
        before = exp.output().count(marker)
        self.write("config.json", json.dumps(doc))
        exp.proc.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 10
        while exp.output().count(marker) == before:
            self.assertIsNone(exp.proc.poll(), exp.output())
            self.assertLess(time.monotonic(), deadline, exp.output())
            time.sleep(0.05)

    def test_bad_reload_keeps_all_of_the_running_config(self):
        self.port = free_port()
        base = {"collector.disable-defaults": True, "collector.loadavg": True,
                "web.listen-address": "127.0.0.1:%d" % self.port}
        exp = self.start(base)
        self.assertNotIn("node_memory_MemTotal_bytes", self.metrics())
        new_log = self.path("new.log")
        missing = self.path("missing")
        bad = [
            ("listen address 127.0.0.1:99999",
             {"web.listen-address": "127.0.0.1:99999"}, "127.0.0.1:99999"),
            ("log file in a missing directory",
             {"log.file": os.path.join(missing, "x.log")}, "x.log"),
            ("missing database.password_file",
             {"database": {"type": "influxdb", "url": "http://127.0.0.1:1",
                           "username": "u", "password_file": missing}},
             "database.password_file"),
            ("web config that does not exist",
             {"web.config.file": missing + ".yml"}, missing + ".yml"),
        ]
        for name, extra, expected in bad:
            with self.subTest(name):
                # Each bad config also turns meminfo on and moves the log:
                # neither may happen.
                doc = dict(base, **{"collector.meminfo": True, "log.file": new_log})
                doc.update(extra)
                self.reload(exp, doc, "reload failed")
                line = [l for l in exp.output().splitlines() if "reload failed" in l][-1]
                report("reload", "%s: %s" % (name, line))
                self.assertIn(expected, line)
                time.sleep(0.5)  # two cycles of the running config
                self.assertNotIn("node_memory_MemTotal_bytes", self.metrics())
                self.assertFalse(os.path.exists(new_log))
                self.assertNotIn("configuration reloaded", exp.output())
        # A valid config is applied, all of it.
        self.reload(exp, dict(base, **{"collector.meminfo": True, "log.file": new_log}),
                    "SIGHUP: reloading")
        deadline = time.monotonic() + 10
        while "configuration reloaded" not in read(new_log):
            self.assertLess(time.monotonic(), deadline, exp.output())
            time.sleep(0.05)
        self.assertIn("node_memory_MemTotal_bytes", self.metrics())


class StopTest(Tmp):
    """SIGTERM ends the process within the documented 2 s, whatever the
    reload in progress reads."""

    def stop_after_reload(self, config_path, pause=0.3):
        cfg = self.write("config.json", "{}")
        port = free_port()
        exp = Exporter(fixture_flags() + [
            "--web.listen-address=127.0.0.1:%d" % port, "--collection.interval=1h",
            "--collector.disable-defaults", "--collector.loadavg",
            "--config.file=" + cfg], port)
        self.addCleanup(exp.stop)
        os.unlink(cfg)
        os.symlink(config_path, cfg)  # the reload reads this one
        exp.proc.send_signal(signal.SIGHUP)
        time.sleep(pause)
        t = time.monotonic()
        exp.proc.send_signal(signal.SIGTERM)
        try:
            exp.proc.wait(10)
        except subprocess.TimeoutExpired:
            pass
        secs = time.monotonic() - t
        return exp.proc.poll(), secs, exp.output()

    def test_sigterm_after_sighup_on_a_fifo_or_a_deep_config(self):
        fifo = self.path("config.fifo")
        os.mkfifo(fifo)
        deep = self.write("deep.json", '{"a":' * 40000 + "1" + "}" * 40000)
        for name, path in [("FIFO", fifo), ("40000 nested objects", deep)]:
            with self.subTest(name):
                rc, secs, out = self.stop_after_reload(path, pause=0.05)
                report("stop", "SIGHUP with a %s as config, then SIGTERM: exit %s "
                       "after %.2f s" % (name, rc, secs))
                self.assertIsNotNone(rc, "still running 10 s after SIGTERM")
                self.assertEqual(rc, 0, out)
                self.assertLess(secs, 2.0, out)


if __name__ == "__main__":
    harness.main()
