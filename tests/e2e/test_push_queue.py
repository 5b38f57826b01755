"""Push sinks under faults, on loopback: a reply cut off, a target that never
answers, bad URLs, and the disk queue against Debian's real influxd 1.x and
Prometheus (kill -9 and SIGTERM during an outage, a truncated segment, the
byte bound).

Run: HOST_EXPORTER=build/host_exporter PYTHONPATH=tests/e2e python3 tests/e2e/test_push_queue.py
"""
import glob
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import threading
import time
import unittest
import zlib

import harness
from harness import Exporter, fixture_flags, free_port, scrape_series, wait_for
from test_influxdb import ADMIN, DB, INFLUXD, Influxd
from test_remote_write import PROMETHEUS, Prometheus

FLAGS = fixture_flags() + ["--collector.disable-defaults", "--collector.loadavg",
                           "--collector.meminfo", "--collection.interval=1s"]


def write_config(dirpath, block):
    path = os.path.join(dirpath, "config.json")
    with open(path, "w") as f:
        json.dump(dict(block, logging={
            "log_file": os.path.join(dirpath, "host_exporter.log"),
            "log_level": "INFO"}), f, indent=2)
    return path


def read_log(dirpath):
    with open(os.path.join(dirpath, "host_exporter.log"), errors="replace") as f:
        return f.read()


def metric(port, name, sink):
    return scrape_series(port).get((name, frozenset({("sink", sink)})), 0)


def split_unescaped(s, sep):
    out, cur, i = [], "", 0
    while i < len(s):
        if s[i] == "\\" and i + 1 < len(s):
            cur += s[i + 1]
            i += 2
            continue
        if s[i] == sep:
            out.append(cur)
            cur = ""
        else:
            cur += s[i]
        i += 1
    out.append(cur)
    return out


def point_key(line):
    """(measurement, frozenset(tags), time_ms) of a line-protocol line."""
    series, _, rest = line.partition(" ")
    # (a space inside the series key is escaped: partition on the first
    # unescaped one)
    while series.endswith("\\"):
        more, _, rest = rest.partition(" ")
        series += " " + more
    parts = split_unescaped(series, ",")
    tags = frozenset(tuple(split_unescaped(t, "=")[:2]) for t in parts[1:])
    return parts[0], tags, int(rest.split()[-1])


def queue_records(directory):
    """The pending records of a disk queue, parsed by its documented format:
    [(segment, offset, payload)]."""
    ack_seq, ack_off = 0, 0
    ack = os.path.join(directory, "ack")
    if os.path.exists(ack):
        with open(ack) as f:
            ack_seq, ack_off = map(int, f.read().split())
    out = []
    for path in sorted(glob.glob(os.path.join(directory, "*.seg"))):
        seq = int(os.path.basename(path)[:20])
        if seq < ack_seq:
            continue
        with open(path, "rb") as f:
            data = f.read()
        assert data[:8] == b"HXQUEUE1", path
        off = 8
        while len(data) - off >= 16:
            length, crc = struct.unpack_from("<II", data, off)
            body = data[off + 8:off + 16 + length]
            if len(body) != 8 + length or zlib.crc32(body) != crc:
                break
            if seq != ack_seq or off >= ack_off:
                out.append((path, off, body[8:]))
            off += 16 + length
    return out


class FaultServer:
    """A loopback HTTP server: the first `cut` requests get a reply cut off
    inside its header block, the others 204; bodies of answered requests are
    kept. With cut=None it accepts connections and never answers."""

    def __init__(self, cut, port=0):
        self.cut = cut
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", port))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.accepted = []
        self.requests = 0
        self.stop = False
        self.thread = threading.Thread(target=self.run, daemon=True)
        if cut is not None:
            self.thread.start()

    def run(self):
        self.sock.settimeout(0.2)
        while not self.stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            threading.Thread(target=self.serve, args=(conn,), daemon=True).start()

    def serve(self, conn):
        buf = b""
        conn.settimeout(5)
        with conn:
            while not self.stop:
                try:
                    chunk = conn.recv(65536)
                except OSError:
                    return
                if not chunk:
                    return
                buf += chunk
                while b"\r\n\r\n" in buf:
                    head, rest = buf.split(b"\r\n\r\n", 1)
                    length = 0
                    for line in head.split(b"\r\n"):
                        if line.lower().startswith(b"content-length:"):
                            length = int(line.split(b":")[1])
                    if len(rest) < length:
                        break
                    body, buf = rest[:length], rest[length:]
                    self.requests += 1
                    if self.requests <= self.cut:
                        conn.sendall(b"HTTP/1.1 204 No Content\r\nContent-Le")
                        return  # and close
                    self.accepted.append(body)
                    conn.sendall(b"HTTP/1.1 204 No Content\r\n\r\n")

    def close(self):
        self.stop = True
        self.sock.close()

    def unread_request(self):
        """True once a connection to this server waits in its accept queue
        with bytes received (a request sent, nobody reading it): the
        server's side in /proc/net/tcp, ESTABLISHED with rx_queue > 0."""
        with open("/proc/net/tcp") as f:
            for line in f.readlines()[1:]:
                _, local, _, state, queues = line.split()[:5]
                if int(local.split(":")[1], 16) == self.port and state == "01" and \
                        int(queues.split(":")[1], 16) > 0:
                    return True
        return False


class PushFaultTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="push-faults-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def start(self, block, wait_ready=True):
        port = free_port()
        exp = Exporter(FLAGS + ["--config.file=" + write_config(self.tmp, block),
                                "--web.listen-address=127.0.0.1:%d" % port],
                       port, wait_ready=wait_ready)
        self.addCleanup(exp.stop)
        return exp, port

    def test_cut_off_reply_is_resent_not_counted_as_sent(self):
        server = FaultServer(cut=3)
        self.addCleanup(server.close)
        exp, port = self.start({"database": {
            "type": "influxdb", "url": "http://127.0.0.1:%d" % server.port,
            "flush_interval": "1s", "min_backoff": "100ms", "max_backoff": "200ms"}})
        wait_for("three cut-off replies and an answered request",
                 lambda: server.requests >= 4 and server.accepted, timeout=20)
        exp.proc.send_signal(signal.SIGTERM)
        exp.proc.wait(10)
        stopped = [l for l in read_log(self.tmp).splitlines()
                   if 'msg="push sink stopped"' in l][0]
        fields = dict(f.split("=", 1) for f in stopped.split() if "=" in f)
        lines = [l for b in server.accepted for l in b.decode().splitlines()]
        print("\ncut-off replies: %d requests, %d lines accepted, sink says sent=%s"
              % (server.requests, len(lines), fields["sent"]))
        # Sent is what the server answered for: nothing counted for the
        # cut-off replies, whose points were sent again.
        self.assertEqual(int(fields["sent"]), len(lines))
        self.assertEqual(int(fields["unsent"]) + int(fields["dropped"]), 0)
        self.assertEqual(len(lines), len(set(lines)), "each point once")
        self.assertEqual(int(fields["enqueued"]), len(lines))

    def test_sigterm_with_a_target_that_never_answers(self):
        server = FaultServer(cut=None)  # listening, never accepting
        self.addCleanup(server.close)
        exp, port = self.start({"database": {
            "type": "influxdb", "url": "http://127.0.0.1:%d" % server.port,
            "flush_interval": "1s", "timeout": "8s"}})
        wait_for("a request in flight, waiting for an answer", server.unread_request,
                 timeout=10)
        t0 = time.monotonic()
        exp.proc.send_signal(signal.SIGTERM)
        exp.proc.wait(15)
        took = time.monotonic() - t0
        print("\nSIGTERM with a black-hole push target (timeout 8s): exited in "
              "%.2f s" % took)
        self.assertEqual(exp.proc.returncode, 0)
        self.assertLess(took, 2.5)

    def test_bad_urls_fail_check_config_with_key_and_line(self):
        for url, why in [("http://[::1", "Bad IPv6 address"),
                         ("http://127.0.0.1:99999", "65535"),
                         ("http://127.0.0.1:0/", "port 0")]:
            # json.dump(indent=2): the url is on line 4, resp. 3.
            for block, key, line in [
                    ({"database": {"type": "influxdb", "url": url}}, "database.url", 4),
                    ({"remote_write": {"url": url}}, "remote_write.url", 3)]:
                path = write_config(self.tmp, block)
                r = subprocess.run([harness.binary(), "--config.file=" + path,
                                    "--check-config"], capture_output=True, text=True)
                self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
                self.assertIn('%s:%d: key "%s"' % (path, line, key), r.stderr)
                self.assertIn(why, r.stderr)


class FullDiskTest(unittest.TestCase):
    """The queue on a 32 KiB tmpfs (needs root and mount(8)): it fills, the
    sink logs once, counts, goes on from memory, and delivers when the
    target is back."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="push-fulldisk-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.mnt = os.path.join(self.tmp, "mnt")
        os.mkdir(self.mnt)
        if os.geteuid() != 0 or subprocess.run(
                ["mount", "-t", "tmpfs", "-o", "size=32k", "tmpfs", self.mnt],
                capture_output=True).returncode != 0:
            raise unittest.SkipTest("cannot mount a tmpfs here (needs root)")
        self.addCleanup(subprocess.run, ["umount", "-l", self.mnt])

    def test_full_disk_falls_back_to_memory_and_counts(self):
        target = free_port()
        port = free_port()
        block = {"database": {
            "type": "influxdb", "url": "http://127.0.0.1:%d" % target,
            "flush_interval": "1s", "timeout": "1s", "min_backoff": "100ms",
            "max_backoff": "300ms", "max_buffer_points": 100000,
            "disk_queue": {"directory": os.path.join(self.mnt, "q"),
                           "max_bytes": 1 << 20}}}
        exp = Exporter(FLAGS + ["--config.file=" + write_config(self.tmp, block),
                                "--web.listen-address=127.0.0.1:%d" % port], port)
        self.addCleanup(exp.stop)
        sink = "influxdb"
        wait_for("the disk full", lambda: metric(
            port, "host_exporter_sink_queue_errors_total", sink) > 0, timeout=30)
        time.sleep(2)  # more cycles, buffered in memory
        served = scrape_series(port)
        self.assertIn(("node_load1", frozenset()), served)  # still serving
        buffered = metric(port, "host_exporter_sink_buffered_points", sink)
        on_disk = len(queue_records(os.path.join(self.mnt, "q")))
        self.assertGreater(buffered, on_disk, "the newer points wait in memory")
        log = read_log(self.tmp)
        self.assertEqual(log.count("push disk queue failed: buffering in memory"), 1,
                         log)
        self.assertIn("No space left on device", log)
        server = FaultServer(cut=0, port=target)
        self.addCleanup(server.close)
        wait_for("all delivered", lambda: metric(
            port, "host_exporter_sink_buffered_points", sink) < 100, timeout=30)
        exp.proc.send_signal(signal.SIGTERM)
        exp.proc.wait(10)
        stopped = [l for l in read_log(self.tmp).splitlines()
                   if 'msg="push sink stopped"' in l][0]
        fields = dict(f.split("=", 1) for f in stopped.split() if "=" in f)
        lines = [l for b in server.accepted for l in b.decode().splitlines()]
        print("\nfull disk (32 KiB tmpfs): %d points on disk, %d buffered in all "
              "when full; then %d delivered, %s dropped, each once"
              % (on_disk, buffered, len(lines), fields["dropped"]))
        self.assertEqual(int(fields["dropped"]), 0)
        self.assertEqual(int(fields["sent"]), len(lines))
        self.assertEqual(len(lines), len(set(lines)))
        self.assertEqual(int(fields["enqueued"]), len(lines) + int(fields["unsent"]))


@unittest.skipUnless(INFLUXD, "influxd is not installed (Debian package influxdb)")
class InfluxdbDiskQueueTest(unittest.TestCase):
    def setUp(self):
        self.influx = Influxd()
        self.addCleanup(self.influx.close)
        self.tmp = tempfile.mkdtemp(prefix="push-queue-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.queue = os.path.join(self.tmp, "queue")

    def start(self):
        port = free_port()
        block = {"database": {
            "type": "influxdb", "url": self.influx.url + "/write?db=" + DB,
            "username": ADMIN[0], "password": ADMIN[1], "flush_interval": "1s",
            "timeout": "2s", "min_backoff": "100ms", "max_backoff": "300ms",
            "disk_queue": {"directory": self.queue}}}
        exp = Exporter(FLAGS + ["--config.file=" + write_config(self.tmp, block),
                                "--web.listen-address=127.0.0.1:%d" % port], port)
        self.addCleanup(exp.stop)
        return exp, port

    def stored(self):
        return {(name, tags, t) for t, pts in self.influx.points().items()
                for (name, tags) in pts}

    def test_kill_9_mid_outage_then_truncated_segment_replays_the_rest(self):
        exp, port = self.start()
        wait_for("first points", lambda: len(self.stored()) > 0)
        self.influx.stop()
        time.sleep(3.5)  # a few cycles queued during the outage
        exp.proc.send_signal(signal.SIGKILL)
        exp.proc.wait(5)
        records = queue_records(self.queue)
        self.assertGreater(len(records), 0)
        # A cut-off tail, as a crash mid-write leaves it: the last record
        # loses its last 3 bytes.
        last_path, last_off, last_payload = records[-1]
        size = os.path.getsize(last_path)
        os.truncate(last_path, size - 3)
        kept = records[:-1]
        want = {point_key(p.decode().strip()) for _, _, p in kept}
        self.assertEqual(len(want), len(kept))
        self.influx.start()
        exp2, port2 = self.start()
        sink = "influxdb"
        replayed = wait_for("replay counted", lambda: metric(
            port2, "host_exporter_sink_queue_replayed_points_total", sink))
        wait_for("the queue delivered", lambda: want <= self.stored(), timeout=30)
        corrupt = metric(port2, "host_exporter_sink_queue_corrupt_bytes_total", sink)
        log = read_log(self.tmp)
        print("\ndisk queue, kill -9 mid-outage: %d records on disk, last cut by 3 "
              "bytes; replayed %d, corrupt bytes %d; all %d intact points in influxd"
              % (len(records), replayed, corrupt, len(want)))
        self.assertEqual(replayed, len(kept))
        self.assertEqual(corrupt, 16 + len(last_payload) - 3)
        self.assertIn("truncated or damaged after", log)
        self.assertEqual(metric(port2, "host_exporter_sink_points_dropped_total", sink), 0)


@unittest.skipUnless(PROMETHEUS, "prometheus is not installed (Debian package prometheus)")
class RemoteWriteDiskQueueTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="push-queue-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.queue = os.path.join(self.tmp, "queue")

    def start(self, url, max_bytes):
        port = free_port()
        block = {"remote_write": {
            "url": url, "remote_timeout": "2s",
            "queue": {"batch_send_deadline": "1s", "min_backoff": "100ms",
                      "max_backoff": "300ms"},
            "external_labels": {"instance": "queue-test"},
            "disk_queue": {"directory": self.queue, "max_bytes": max_bytes}}}
        exp = Exporter(FLAGS + ["--config.file=" + write_config(self.tmp, block),
                                "--web.listen-address=127.0.0.1:%d" % port], port)
        self.addCleanup(exp.stop)
        return exp, port

    def test_sigterm_during_outage_then_restart_replays_within_the_bound(self):
        # The receiver is down from the start: a port nobody listens on.
        down = "http://127.0.0.1:%d/api/v1/write" % free_port()
        bound = 65536
        exp, port = self.start(down, bound)
        sink = "remote_write"
        wait_for("the bound reached", lambda: metric(
            port, "host_exporter_sink_queue_dropped_points_total", sink) > 0,
            timeout=40)
        self.assertLessEqual(metric(port, "host_exporter_sink_queue_bytes", sink),
                             bound + bound // 8 + 8)
        self.assertGreater(metric(port, "host_exporter_sink_queue_oldest_age_seconds",
                                  sink), 0)
        exp.proc.send_signal(signal.SIGTERM)
        exp.proc.wait(10)
        log = read_log(self.tmp)
        self.assertIn("push disk queue full: dropping the oldest points", log)
        on_disk = queue_records(self.queue)
        self.assertGreater(len(on_disk), 0)
        prom = Prometheus()
        self.addCleanup(prom.close)
        exp2, port2 = self.start(prom.url + "/api/v1/write", bound)
        replayed = wait_for("replay counted", lambda: metric(
            port2, "host_exporter_sink_queue_replayed_points_total", sink))
        self.assertEqual(replayed, len(on_disk))
        # Every kept sample arrived: the samples before the restart, i.e.
        # older than the second exporter's first cycle.
        wait_for("the queue delivered", lambda: metric(
            port2, "host_exporter_sink_points_sent_total", sink) >= replayed,
            timeout=30)
        exp2.proc.send_signal(signal.SIGTERM)
        exp2.proc.wait(10)
        stopped = [l for l in read_log(self.tmp).splitlines()
                   if 'msg="push sink stopped"' in l]
        fields = dict(f.split("=", 1) for f in stopped[-1].split() if "=" in f)
        # Both sides: every sample the second run sent (the replayed ones
        # included) is in Prometheus, once.
        data = prom.query('{instance="queue-test"}[10m]')
        stored = sum(len(r["values"]) for r in data["result"])
        self.assertEqual(stored, int(fields["sent"]))
        self.assertEqual(int(fields["failed"]) + int(fields["unsent"]), 0)
        data = prom.query('count_over_time(node_load1{instance="queue-test"}[10m])')
        arrived = sum(float(r["value"][1]) for r in data["result"])
        # node_load1 is one sample per cycle: those replayed plus those of
        # the second run.
        # (the protobuf Label value "node_load1": tag 2, length 10)
        loads = sum(1 for _, _, p in on_disk if b"\x12\x0anode_load1" in p)
        print("\ndisk queue, SIGTERM during outage: bound %d bytes, %d samples kept "
              "(%d of node_load1), replayed %d; second run sent %s, Prometheus "
              "holds %d (node_load1: %d)"
              % (bound, len(on_disk), loads, replayed, fields["sent"], stored,
                 arrived))
        self.assertGreater(loads, 0)
        self.assertGreaterEqual(arrived, loads)
        self.assertEqual(queue_records(self.queue), [])


if __name__ == "__main__":
    result = unittest.main(verbosity=2, exit=False).result
    if not result.wasSuccessful():
        raise SystemExit(1)
    # Nothing could run here (no binary, no root, no influxd/prometheus): a
    # skip for meson, not a pass.
    raise SystemExit(77 if len(result.skipped) == result.testsRun else 0)
