"""Shared helpers for the end-to-end tests and the bench: run the real binary
and the servers it talks to (node_exporter, Prometheus, influxd) on loopback.

Every test here talks only to 127.0.0.1 / [::1] with bounded request counts.
"""
import errno
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_ROOT = os.path.dirname(os.path.dirname(HERE))
FIXTURE_ROOT = os.path.join(SOURCE_ROOT, "tests", "fixtures", "root")


def binary():
    path = os.environ.get("HOST_EXPORTER")
    if not path or not os.access(path, os.X_OK):
        raise unittest.SkipTest("HOST_EXPORTER is not set to the built binary")
    return path


_PORTS_GIVEN = set()


def _ephemeral_range():
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            low, high = (int(x) for x in f.read().split())
        return low, high
    except (OSError, ValueError):
        return 32768, 60999


def _port_is_free(port):
    """True when `port` can be bound on every address of both families: a
    server given ":port" binds 0.0.0.0 and [::], one given 127.0.0.1 or [::1]
    binds those, and any of them fails on a port taken on any address."""
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
            s.bind(("::", port))
        return True
    except OSError as e:
        if e.errno != errno.EAFNOSUPPORT:  # a host without IPv6: IPv4 alone
            return False
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind(("0.0.0.0", port))
        return True
    except OSError:
        return False


def free_port():
    """A port for a server a test starts, free on every address of IPv4 and
    IPv6 and outside the kernel's ephemeral range. A port the kernel hands out
    for bind(0) is an ephemeral one: between this check and the server's bind,
    any outgoing connection of a test running beside this one (a scrape, a
    push) can take it as its source port, and the server then fails with
    "address in use". Ports below the range are never taken that way."""
    low, high = _ephemeral_range()
    first, last = (10000, low - 1) if low > 11000 else (high + 1, 65535)
    rng = random.SystemRandom()
    for _ in range(1000):
        port = rng.randint(first, last)
        if port not in _PORTS_GIVEN and _port_is_free(port):
            _PORTS_GIVEN.add(port)
            return port
    raise AssertionError("no free port in %d-%d after 1000 tries" % (first, last))


def fixture_flags(root=FIXTURE_ROOT):
    return ["--path.procfs=" + os.path.join(root, "proc"),
            "--path.sysfs=" + os.path.join(root, "sys"),
            "--path.rootfs=" + root]


class Server:
    """A server process for a test or the bench: its own temporary directory
    (config, data) and log, a readiness wait with a deadline, a bounded stop.

    ready: an HTTP path answered with `status` on 127.0.0.1:port, None for
    "the TCP port accepts", or a function polled until it returns true.
    Every failure to start names the server and ends with its log's tail.
    """

    def __init__(self, argv, port=None, name=None, env=None, ready="/", status=200,
                 timeout=30.0, stop_timeout=10.0, wait_ready=True, start=True):
        self.argv = list(argv)
        self.name = name or os.path.basename(self.argv[0])
        self.port = port if port is not None else free_port()
        self.env = env
        self.ready, self.status = ready, status
        self.timeout, self.stop_timeout = timeout, stop_timeout
        self.dir = tempfile.mkdtemp(prefix="%s-" % self.name.replace(" ", "_"))
        self.log_path = os.path.join(self.dir, "server.log")
        self.proc = None
        if start:
            self.start(wait_ready)

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.port

    @property
    def pid(self):
        return self.proc.pid

    def path(self, *parts):
        """A path in the server's own temporary directory."""
        return os.path.join(self.dir, *parts)

    def start(self, wait_ready=True):
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(self.argv, stdout=log, stderr=subprocess.STDOUT,
                                         env=self.env)
        if wait_ready:
            try:
                self.wait_ready()
            except BaseException:
                self.close()  # the error carries the log's tail
                raise

    def wait_ready(self, timeout=None):
        if callable(self.ready):
            return self.wait("readiness", self.ready, timeout or self.timeout)
        if self.ready is None:
            return self.wait_tcp(timeout)
        return self.wait_http(self.ready, timeout)

    def wait_http(self, path, timeout=None, status=None):
        want = status or self.status
        self.wait("HTTP %d on %s" % (want, path),
                  lambda: request("127.0.0.1", self.port, "GET", path,
                                  timeout=2.0)[0] == want, timeout or self.timeout)

    def wait_tcp(self, timeout=None):
        def accepts():
            with socket.create_connection(("127.0.0.1", self.port), timeout=2.0):
                return True
        self.wait("TCP port", accepts, timeout or self.timeout)

    def wait(self, what, check, timeout, every=0.05):
        """Polls check() every `every` s until it returns something true, and
        returns it (an OSError counts as not yet); fails with the log's tail
        when the process exits or the deadline passes."""
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise AssertionError("%s exited with %s waiting for %s: %s" % (
                    self.name, self.proc.returncode, what, self.output(3000)))
            try:
                v = check()
                if v:
                    return v
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError("%s on :%d: timed out after %g s waiting for %s: %s" % (
                    self.name, self.port, timeout, what, self.output(3000)))
            time.sleep(every)

    def output(self, tail=None):
        """The log (its last `tail` characters); FileNotFoundError after close()."""
        with open(self.log_path, errors="replace") as f:
            text = f.read()
        return text[-tail:] if tail else text

    def stop(self, sig=signal.SIGTERM, timeout=None):
        """sig, then SIGKILL after timeout seconds; returns the exit status.
        The directory stays (start() again); close() removes it."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout if timeout is not None else self.stop_timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode if self.proc else None

    def close(self):
        rc = self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)
        return rc

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class Exporter(Server):
    """A running host_exporter (or another exporter given as exe). stop()
    also removes its directory: an exporter here is never restarted."""

    def __init__(self, args, port, exe=None, env=None, wait_ready=True,
                 ready_path="/-/ready", name="exporter", timeout=10.0):
        full_env = dict(os.environ)
        full_env.setdefault("TZ", "UTC")
        if env:
            full_env.update(env)
        super().__init__([exe or binary()] + list(args), port, name=name, env=full_env,
                         ready=ready_path, timeout=timeout, stop_timeout=5.0,
                         wait_ready=wait_ready)

    def stop(self, sig=signal.SIGTERM, timeout=5.0):
        rc = super().stop(sig, timeout)
        shutil.rmtree(self.dir, ignore_errors=True)
        return rc


NODE_EXPORTER = shutil.which("prometheus-node-exporter") or shutil.which("node_exporter")
# node_exporter 1.9.0 (Debian 13's binary as scripts/fetch-reference unpacks
# it in .cache/reference), or $NODE_EXPORTER_19.
NODE_EXPORTER_19 = os.environ.get("NODE_EXPORTER_19") or os.path.join(
    SOURCE_ROOT, ".cache", "reference", "prometheus-node-exporter", "usr", "bin",
    "prometheus-node-exporter")


def node_exporter_version(exe):
    """The version of a node_exporter binary ("1.9.0"), None if it is
    missing or prints none."""
    if not exe or not os.access(exe, os.X_OK):
        return None
    r = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=10)
    m = re.search(r"version (\d+\.\d+\.\d+)", r.stdout + r.stderr)
    return m.group(1) if m else None


class NodeExporter(Exporter):
    """node_exporter (Debian's prometheus-node-exporter unless exe is given)."""

    def __init__(self, args, port, exe=None, ready_path="/metrics", **kw):
        super().__init__(args, port, exe=exe or NODE_EXPORTER, ready_path=ready_path,
                         name="node_exporter", **kw)


PROMETHEUS = shutil.which("prometheus")


class Prometheus(Server):
    """Prometheus on loopback with `config` (YAML text) and its TSDB in its
    own temporary directory; ready when /-/ready answers."""

    def __init__(self, config, args=(), exe=None, name="prometheus", timeout=60.0):
        port = free_port()
        super().__init__([], port, name=name, ready="/-/ready", timeout=timeout,
                         stop_timeout=20.0, start=False)
        with open(self.path("prometheus.yml"), "w") as f:
            f.write(config)
        self.argv = [exe or PROMETHEUS, "--config.file=" + self.path("prometheus.yml"),
                     "--storage.tsdb.path=" + self.path("data"),
                     "--web.listen-address=127.0.0.1:%d" % port] + list(args)
        self.start()

    def api(self, path, **params):
        """The JSON of an API call, also of an error answer."""
        url = self.url + path
        if params:
            url += "?" + urllib.parse.urlencode(params, doseq=True)
        try:
            with urllib.request.urlopen(url, timeout=30) as r:
                return json.load(r)
        except urllib.error.HTTPError as e:
            return json.load(e)

    def query(self, q, **params):
        """The data of an instant query; AssertionError unless it succeeded."""
        body = self.api("/api/v1/query", query=q, **params)
        assert body.get("status") == "success", "query %s: %s" % (q, body)
        return body["data"]


INFLUXD = shutil.which("influxd")


class Influxd(Server):
    """influxd 1.x on loopback ports with its data in its own temporary
    directory; ready when /ping answers 204."""

    def __init__(self, conf_extra=""):
        port, rpc = free_port(), free_port()
        super().__init__([], port, name="influxd", ready="/ping", status=204,
                         timeout=30.0, stop_timeout=20.0, start=False)
        d = self.dir
        self.conf = self.path("influxdb.conf")
        with open(self.conf, "w") as f:
            f.write(f"""reporting-disabled = true
bind-address = "127.0.0.1:{rpc}"
[meta]
  dir = "{d}/meta"
[data]
  dir = "{d}/data"
  wal-dir = "{d}/wal"
  query-log-enabled = false
[http]
  bind-address = "127.0.0.1:{port}"
  auth-enabled = true
  log-enabled = false
[monitor]
  store-enabled = false
[continuous_queries]
  enabled = false
[logging]
  level = "warn"
""" + conf_extra)
        self.argv = [INFLUXD, "-config", self.conf]
        self.start()


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
