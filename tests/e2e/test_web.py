"""TLS, client certificates, basic auth and the request limit, against the
live binary, with curl and openssl s_client (loopback only)."""
import base64
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import unittest
import warnings

import harness
from harness import Exporter, fixture_flags, free_port, request

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import crypt  # bcrypt through libcrypt, as the exporter verifies it

BASE = fixture_flags() + ["--collection.interval=1h", "--collector.disable-defaults",
                          "--collector.loadavg"]
CURL = shutil.which("curl")
OPENSSL = shutil.which("openssl")


def bcrypt(password, cost=4):
    return crypt.crypt(password, crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=2 ** cost))


def sh(*args, **kw):
    return subprocess.run(args, capture_output=True, text=True, timeout=60, **kw)


class Pki:
    """A throw-away CA, a server certificate for 127.0.0.1 and client certs."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="pki-")
        self.ca = self.make_ca("ca")
        self.other_ca = self.make_ca("other")
        self.server = self.make_cert("server", self.ca, san="IP:127.0.0.1,DNS:localhost")
        self.client = self.make_cert("client", self.ca)
        self.rogue = self.make_cert("rogue", self.other_ca)

    def p(self, name):
        return os.path.join(self.dir, name)

    def make_ca(self, name):
        r = sh(OPENSSL, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
               "-nodes", "-keyout", self.p(name + ".key"), "-out", self.p(name + ".crt"),
               "-days", "2", "-subj", "/CN=" + name)
        assert r.returncode == 0, r.stderr
        return name

    def make_cert(self, name, ca, san=None):
        r = sh(OPENSSL, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
               "-keyout", self.p(name + ".key"), "-out", self.p(name + ".csr"), "-subj",
               "/CN=" + name)
        assert r.returncode == 0, r.stderr
        ext = self.p(name + ".ext")
        with open(ext, "w") as f:
            f.write("basicConstraints=CA:FALSE\n")
            if san:
                f.write("subjectAltName=%s\n" % san)
        r = sh(OPENSSL, "x509", "-req", "-in", self.p(name + ".csr"), "-CA", self.p(ca + ".crt"),
               "-CAkey", self.p(ca + ".key"), "-CAcreateserial", "-out", self.p(name + ".crt"),
               "-days", "2", "-extfile", ext)
        assert r.returncode == 0, r.stderr
        return name

    def cleanup(self):
        shutil.rmtree(self.dir)


@unittest.skipUnless(CURL and OPENSSL, "curl and openssl are needed (apt-get install curl openssl)")
class TlsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.pki = Pki()

    @classmethod
    def tearDownClass(cls):
        cls.pki.cleanup()

    def start(self, web_yaml, extra=()):
        path = self.pki.p("web-%d.yml" % free_port())
        with open(path, "w") as f:
            f.write(web_yaml)
        port = free_port()
        exp = Exporter(BASE + ["--web.listen-address=127.0.0.1:%d" % port,
                               "--web.config.file=" + path] + list(extra), port,
                       wait_ready=False)
        self.addCleanup(exp.stop)
        url = "https://127.0.0.1:%d/metrics" % port
        exp.wait_tcp(10)
        # Then until the first collection ended (/-/ready 200): /metrics
        # answers 503 before, and a slow build (TSan) takes a while. The
        # client certificate is accepted by every configuration used here.
        ready = "https://127.0.0.1:%d/-/ready" % port
        exp.wait("HTTP 200 on " + ready, lambda: self.curl(
            ready, "--cert", self.pki.p("client.crt"),
            "--key", self.pki.p("client.key")) == "200", 10, every=0.1)
        return exp, port, url, path

    def curl(self, url, *args):
        r = sh(CURL, "-s", "-o", "/dev/null", "-w", "%{http_code}", "--cacert",
               self.pki.p("ca.crt"), *args, url)
        return r.stdout.strip() or "000"

    def tls_yaml(self, extra=""):
        return ("tls_server_config:\n  cert_file: %s\n  key_file: %s\n" %
                (self.pki.p("server.crt"), self.pki.p("server.key"))) + extra

    def test_tls12_and_tls13_served(self):
        exp, port, url, _ = self.start(self.tls_yaml())
        self.assertEqual(self.curl(url, "--tlsv1.2", "--tls-max", "1.2"), "200")
        self.assertEqual(self.curl(url, "--tlsv1.3"), "200")
        # OpenSSL is loaded because TLS is configured (test_cost.py: not
        # without): the check there looks for the right names.
        with open("/proc/%d/maps" % exp.pid) as f:
            maps = f.read()
        self.assertIn("/libssl.so.3", maps)
        self.assertIn("/libcrypto.so.3", maps)
        r = sh(OPENSSL, "s_client", "-connect", "127.0.0.1:%d" % port, "-tls1_3",
               "-CAfile", self.pki.p("ca.crt"), input="")
        self.assertIn("TLSv1.3", r.stdout)
        self.assertIn("Verify return code: 0 (ok)", r.stdout)
        # Plain HTTP on a TLS port gets no metrics.
        with self.assertRaises(Exception):
            status, _, _ = request("127.0.0.1", port, "GET", "/metrics", timeout=2)
            if status == 200:
                raise AssertionError("plain HTTP served on a TLS port")
            raise ConnectionError("refused as expected")

    def test_min_version_refuses_older(self):
        _, port, url, _ = self.start(self.tls_yaml("  min_version: TLS13\n"))
        self.assertEqual(self.curl(url, "--tlsv1.3"), "200")
        self.assertEqual(self.curl(url, "--tlsv1.2", "--tls-max", "1.2"), "000")
        r = sh(OPENSSL, "s_client", "-connect", "127.0.0.1:%d" % port, "-tls1_2",
               "-CAfile", self.pki.p("ca.crt"), input="")
        self.assertNotEqual(r.returncode, 0)

    def test_client_certificate_required_and_verified(self):
        _, _, url, _ = self.start(self.tls_yaml(
            "  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: %s\n" %
            self.pki.p("ca.crt")))
        self.assertEqual(self.curl(url), "000")
        self.assertEqual(self.curl(url, "--cert", self.pki.p("client.crt"), "--key",
                                   self.pki.p("client.key")), "200")
        self.assertEqual(self.curl(url, "--cert", self.pki.p("rogue.crt"), "--key",
                                   self.pki.p("rogue.key")), "000")

    def test_certificate_reloaded_on_change_without_restart(self):
        exp, port, url, _ = self.start(self.tls_yaml())
        self.assertEqual(self.curl(url), "200")
        # Replace the server certificate with one from another CA.
        self.pki.make_cert("server2", "other", san="IP:127.0.0.1")
        shutil.copy(self.pki.p("server2.crt"), self.pki.p("server.crt"))
        shutil.copy(self.pki.p("server2.key"), self.pki.p("server.key"))
        deadline = time.monotonic() + 10
        while True:
            code = sh(CURL, "-s", "-o", "/dev/null", "-w", "%{http_code}", "--cacert",
                      self.pki.p("other.crt"), url).stdout
            if code == "200":
                break
            self.assertLess(time.monotonic(), deadline, exp.output())
            time.sleep(0.3)
        self.assertIsNone(exp.proc.poll())
        # Restore for the other tests.
        self.pki.make_cert("server", "ca", san="IP:127.0.0.1,DNS:localhost")


class AuthTest(unittest.TestCase):
    def start(self, users, extra=()):
        f = tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False)
        f.write("basic_auth_users:\n" + "".join("  %s: %s\n" % kv for kv in users.items()))
        f.close()
        self.addCleanup(os.unlink, f.name)
        port = free_port()
        exp = Exporter(BASE + ["--web.listen-address=127.0.0.1:%d" % port,
                               "--web.config.file=" + f.name] + list(extra), port,
                       wait_ready=False)
        self.addCleanup(exp.stop)
        auth = {"Authorization": "Basic " + base64.b64encode(b"alice:secret").decode()}
        exp.wait("HTTP 200 on /-/ready with basic auth", lambda: request(
            "127.0.0.1", port, "GET", "/-/ready", auth)[0] == 200, 10)
        return exp, port

    def get(self, port, user_pass=None):
        headers = {}
        if user_pass is not None:
            headers["Authorization"] = "Basic " + base64.b64encode(user_pass.encode()).decode()
        return request("127.0.0.1", port, "GET", "/metrics", headers)

    def test_right_wrong_missing_unknown(self):
        _, port = self.start({"alice": bcrypt("secret")})
        self.assertEqual(self.get(port, "alice:secret")[0], 200)
        status, h, _ = self.get(port)
        self.assertEqual(status, 401)
        self.assertEqual(h["www-authenticate"], 'Basic realm="host_exporter"')
        self.assertEqual(self.get(port, "alice:wrong")[0], 401)
        self.assertEqual(self.get(port, "bob:secret")[0], 401)

    def test_cve_2022_46146_cached_hash_replay(self):
        hash_ = bcrypt("secret")
        _, port = self.start({"alice": hash_})
        self.assertEqual(self.get(port, "alice:secret")[0], 200)  # now cached
        self.assertEqual(self.get(port, "alice:" + hash_)[0], 401)
        self.assertEqual(self.get(port, "alice" + hash_ + ":secret")[0], 401)
        self.assertEqual(self.get(port, "alic:esecret")[0], 401)

    def test_requests_beyond_the_limit_get_503(self):
        # A slow bcrypt (cost 13) holds a request in flight long enough.
        _, port = self.start({"alice": bcrypt("secret", cost=13)},
                             ["--web.max-requests=1"])
        # The right password once: its check is then cached, so the probes
        # below are fast while the wrong one (never cached) is slow.
        self.assertEqual(self.get(port, "alice:secret")[0], 200)
        # While the slow request is in flight (bcrypt at cost 13), fast
        # (cached) requests must be refused at once. The probes start once
        # the slow request was sent, and 50 ms later (on a loaded machine
        # the thread sending it may start after a probe went through). A
        # probe may still get in before the server read the slow request,
        # which is then the one refused (a 503 for it is right too): try
        # again, at most five times.
        refused, slow_results = [], []
        wrong = "Basic " + base64.b64encode(b"alice:wrong").decode()

        def slow(results, sent):
            with socket.socket() as s:
                s.settimeout(10)
                s.connect(("127.0.0.1", port))
                harness.send_request(s, "127.0.0.1", "GET", "/metrics",
                                     {"Authorization": wrong}, b"", close=True)
                sent.set()
                results.append(harness.read_response(s)[0])

        for _ in range(5):
            results, sent = [], threading.Event()
            t = threading.Thread(target=slow, args=(results, sent))
            t.start()
            self.assertTrue(sent.wait(10))
            time.sleep(0.05)
            while t.is_alive() and not refused:
                start = time.monotonic()
                status, _, _ = self.get(port, "alice:secret")
                if status == 503:
                    refused.append(time.monotonic() - start)
                else:
                    self.assertEqual(status, 200)
                time.sleep(0.01)
            t.join()
            slow_results += results
            self.assertIn(results[0], (401, 503))
            if refused:
                break
        self.assertTrue(refused, "no 503 while a request was in flight: %s" % slow_results)
        self.assertLess(refused[0], 0.2, "503 must be immediate, not queued")


class WebConfigErrorsTest(unittest.TestCase):
    def test_invalid_web_config_refuses_to_start(self):
        f = tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False)
        f.write("tls_server_config:\n  cert_file: /nonexistent.crt\n  key_file: /x.key\n")
        f.close()
        self.addCleanup(os.unlink, f.name)
        r = subprocess.run([harness.binary()] + BASE + ["--web.config.file=" + f.name,
                                                        "--web.listen-address=127.0.0.1:0"],
                           capture_output=True, text=True, timeout=10)
        self.assertEqual(r.returncode, 1)
        self.assertIn(f.name + ":2: tls_server_config.cert_file", r.stderr)


if __name__ == "__main__":
    harness.main()
