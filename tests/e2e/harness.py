"""Shared helpers for the end-to-end tests: run the real binary on loopback.

Every test here talks only to 127.0.0.1 / [::1] with bounded request counts.
"""
import os
import signal
import socket
import subprocess
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_ROOT = os.path.dirname(os.path.dirname(HERE))
FIXTURE_ROOT = os.path.join(SOURCE_ROOT, "tests", "fixtures", "root")


def binary():
    path = os.environ.get("HOST_EXPORTER")
    if not path or not os.access(path, os.X_OK):
        raise unittest.SkipTest("HOST_EXPORTER is not set to the built binary")
    return path


def free_port(family=socket.AF_INET, host="127.0.0.1"):
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def fixture_flags(root=FIXTURE_ROOT):
    return ["--path.procfs=" + os.path.join(root, "proc"),
            "--path.sysfs=" + os.path.join(root, "sys"),
            "--path.rootfs=" + root]


class Exporter:
    """A running host_exporter (or node_exporter) process."""

    def __init__(self, args, port, exe=None, env=None, wait_ready=True,
                 ready_path="/-/ready"):
        self.port = port
        self.log = tempfile.NamedTemporaryFile(prefix="exporter-", suffix=".log",
                                               delete=False)
        full_env = dict(os.environ)
        full_env.setdefault("TZ", "UTC")
        if env:
            full_env.update(env)
        self.proc = subprocess.Popen([exe or binary()] + args,
                                     stdout=self.log, stderr=subprocess.STDOUT,
                                     env=full_env)
        if wait_ready:
            self.wait_http(ready_path)

    def wait_http(self, path, timeout=10.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError("exporter exited with %s: %s" %
                                     (self.proc.returncode, self.output()))
            try:
                status, _, _ = request("127.0.0.1", self.port, "GET", path)
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise AssertionError("exporter not ready on :%d: %s" %
                             (self.port, self.output()))

    def output(self):
        with open(self.log.name, errors="replace") as f:
            return f.read()

    def stop(self, sig=signal.SIGTERM, timeout=5.0):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        os.unlink(self.log.name)
        return self.proc.returncode

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def read_response(sock):
    """Reads one HTTP/1.1 response (Content-Length framed) from a socket."""
    buf = b""
    while b"\r\n\r\n" not in buf:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("connection closed before headers")
        buf += chunk
    head, _, rest = buf.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    return status, headers, rest


def request(host, port, method, path, headers=None, body=b"", family=socket.AF_INET,
            timeout=10.0):
    """One request on a fresh connection; returns (status, headers, body)."""
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.settimeout(timeout)
        s.connect((host, port))
        send_request(s, host, method, path, headers, body, close=True)
        status, hdrs, rest = read_response(s)
        if method == "HEAD":
            return status, hdrs, b""
        if hdrs.get("transfer-encoding", "").lower() == "chunked":
            # Go servers (node_exporter) chunk large bodies; we asked for
            # Connection: close, so read to the end and undo the chunking.
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                rest += chunk
            body = b""
            while rest:
                size_line, _, rest = rest.partition(b"\r\n")
                size = int(size_line.split(b";")[0], 16)
                if size == 0:
                    break
                body += rest[:size]
                rest = rest[size + 2:]
            return status, hdrs, body
        length = int(hdrs.get("content-length", "0"))
        while len(rest) < length:
            chunk = s.recv(65536)
            if not chunk:
                break
            rest += chunk
        return status, hdrs, rest[:length]


def send_request(sock, host, method, path, headers=None, body=b"", close=False):
    lines = ["%s %s HTTP/1.1" % (method, path), "Host: %s" % host]
    for k, v in (headers or {}).items():
        lines.append("%s: %s" % (k, v))
    if close:
        lines.append("Connection: close")
    if body:
        lines.append("Content-Length: %d" % len(body))
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + body)


def parse_exposition(text):
    """{(name, frozenset(labels)): value} and {name: (type, help)}."""
    series, meta = {}, {}
    for line in text.splitlines():
        if line.startswith("# HELP "):
            _, _, name, help_ = line.split(" ", 3) if line.count(" ") >= 3 else (
                line.split(" ") + [""])[:4]
            meta.setdefault(name, ["", ""])[1] = help_
            continue
        if line.startswith("# TYPE "):
            _, _, name, typ = line.split(" ")
            meta.setdefault(name, ["", ""])[0] = typ
            continue
        if not line or line.startswith("#"):
            continue
        if "{" in line:
            name, _, rest = line.partition("{")
            labels_s, _, value = rest.rpartition("} ")
            labels = frozenset(_split_labels(labels_s))
        else:
            name, _, value = line.partition(" ")
            labels = frozenset()
        series[(name, labels)] = float(value.split(" ")[0])
    return series, {k: tuple(v) for k, v in meta.items()}


def scrape_series(port):
    """One scrape of /metrics as {(name, frozenset(labels)): value}, without
    empty labels (Prometheus: an empty label is no label; line protocol and
    remote write carry none)."""
    status, _, body = request("127.0.0.1", port, "GET", "/metrics")
    assert status == 200, status
    series, _ = parse_exposition(body.decode())
    return {(n, frozenset((k, v) for k, v in ls if v != "")): val
            for (n, ls), val in series.items()}


def wait_for(what, f, timeout=20.0):
    """Polls f() every 0.2 s until it returns something true; returns it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = f()
        if v:
            return v
        time.sleep(0.2)
    raise AssertionError("timed out waiting for " + what)


def _split_labels(s):
    out, i = [], 0
    while i < len(s):
        eq = s.index("=", i)
        name = s[i:eq]
        j = eq + 2
        val = []
        while s[j] != '"':
            if s[j] == "\\":
                j += 1
                val.append({"n": "\n"}.get(s[j], s[j]))
            else:
                val.append(s[j])
            j += 1
        out.append((name.strip(","), "".join(val)))
        i = j + 2 if j + 1 < len(s) and s[j + 1] == "," else j + 1
    return out


def main():
    """unittest.main() for meson: exit 77 (skip) when every test skipped,
    so that a missing reference (influxd, promtool, node_exporter) shows as
    a skip and not as a pass; 1 on any failure or error."""
    import sys
    result = unittest.main(verbosity=2, exit=False).result
    if not result.wasSuccessful():
        sys.exit(1)
    if result.testsRun > 0 and len(result.skipped) == result.testsRun:
        sys.exit(77)
    if result.testsRun == 0:
        sys.exit(77)
    sys.exit(0)
