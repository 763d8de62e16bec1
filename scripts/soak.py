#!/usr/bin/env python3
"""Soak test for `cmgemu serve` (scripts/dev.sh soak; not part of the test command).

Starts `cmgemu serve --state DIR --lab tests/e2e/fixtures/arm-clients.json`, then drives mixed
traffic from worker threads over keep-alive HTTPS for --minutes:
  token requests (client credentials, v2 endpoint), ARM resource-group PUTs (writes) and GETs,
  journal queries and fault rules added and removed on the admin API.
Every minute it prints the server's RSS, open file descriptors, requests, errors and p99
latency of that minute. At the end memory and file descriptors must be flat after the warm-up
(the first --warmup minutes): RSS may not grow by more than 20% + 16 MiB over the warm-up
maximum and open files by more than 16, and no request may fail. Exit 0 when all holds.
Standard library only.
"""
import argparse
import http.client
import json
import os
import random
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

SRC = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LAB = os.path.join(SRC, "tests/e2e/fixtures/arm-clients.json")
TENANT = "72f988bf-0000-4000-8000-00000000c0de"
APP = "22222222-3333-4444-8555-666666666666"
SECRET = "arm-e2e-s3cret"
SUB = "5f0c6a7e-1b2d-4c3e-8f4a-9b8c7d6e5f40"


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies = []
        self.errors = 0
        self.error_samples = []

    def record(self, seconds, ok, what):
        with self.lock:
            self.latencies.append(seconds)
            if not ok:
                self.errors += 1
                if len(self.error_samples) < 3:
                    self.error_samples.append(what)

    def take(self):
        with self.lock:
            lat, err, samples = self.latencies, self.errors, self.error_samples
            self.latencies, self.errors, self.error_samples = [], 0, []
        return lat, err, samples


class Client:
    """One keep-alive HTTPS connection per base URL, reopened after an error."""

    def __init__(self, ca, headers=None):
        self.ctx = ssl.create_default_context(cafile=ca)
        self.conns = {}
        self.headers = headers or {}

    def request(self, url, method="GET", body=None, headers=None):
        u = urllib.parse.urlsplit(url)
        key = u.netloc
        conn = self.conns.get(key)
        if conn is None:
            conn = http.client.HTTPSConnection(u.hostname, u.port, context=self.ctx, timeout=30)
            self.conns[key] = conn
        path = u.path + ("?" + u.query if u.query else "")
        h = dict(self.headers)
        h.update(headers or {})
        try:
            conn.request(method, path, body=body, headers=h)
            resp = conn.getresponse()
            data = resp.read()
            return resp.status, data
        except (OSError, http.client.HTTPException) as e:
            conn.close()
            del self.conns[key]
            return 0, str(e).encode()


def worker(n, ready, stats, stop):
    rnd = random.Random(n)
    c = Client(ready["ca"], {"Content-Type": "application/json"})
    aad = ready["endpoints"]["aad"]["url"].rstrip("/")
    arm = ready["endpoints"]["arm"]["url"].rstrip("/")
    admin = ready["admin"].rstrip("/")
    admin_headers = {}
    if ready.get("admin_token"):
        admin_headers["Authorization"] = "Bearer " + ready["admin_token"]
    token = None
    i = 0
    while not stop.is_set():
        i += 1
        t0 = time.perf_counter()
        if token is None or i % 20 == 0:
            form = urllib.parse.urlencode({
                "grant_type": "client_credentials", "client_id": APP, "client_secret": SECRET,
                "scope": "https://management.azure.com/.default"})
            status, body = c.request(f"{aad}/{TENANT}/oauth2/v2.0/token", "POST", form,
                                     {"Content-Type": "application/x-www-form-urlencoded"})
            ok = status == 200
            if ok:
                token = json.loads(body)["access_token"]
            what = f"token {status} {body[:120]!r}"
        elif i % 50 == 0:
            status, body = c.request(f"{admin}/journal?limit=100", headers=admin_headers)
            ok, what = status == 200, f"journal {status}"
        elif i % 97 == 0:
            rule = {"id": f"soak-{n}-{i}", "path": "/nowhere/*", "effect": "status", "status": 503}
            status, body = c.request(f"{admin}/faults", "POST", json.dumps(rule),
                                     admin_headers)
            ok = status in (200, 201)
            if ok:
                s2, _ = c.request(f"{admin}/faults/soak-{n}-{i}", "DELETE",
                                  headers=admin_headers)
                ok = s2 in (200, 204)
            what = f"fault {status} {body[:120]!r}"
        else:
            rg = f"soak-{n}-{rnd.randrange(20)}"
            url = f"{arm}/subscriptions/{SUB}/resourcegroups/{rg}?api-version=2021-04-01"
            auth = {"Authorization": "Bearer " + token}
            if rnd.random() < 0.5:
                body = json.dumps({"location": "japaneast", "tags": {"i": str(i)}})
                status, data = c.request(url, "PUT", body, auth)
                ok = status in (200, 201)
            else:
                status, data = c.request(url, "GET", None, auth)
                ok = status in (200, 404)
            what = f"arm {status} {data[:120]!r}"
        stats.record(time.perf_counter() - t0, ok, what)


def proc_rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def proc_fds(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def p99(values):
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * 0.99))]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cmgemu", required=True, help="the cmgemu binary")
    ap.add_argument("--minutes", type=float, default=60)
    ap.add_argument("--warmup", type=float, default=3, help="minutes before flatness counts")
    ap.add_argument("--workers", type=int, default=8)
    ap.add_argument("--interval", type=float, default=60, help="seconds between report lines")
    args = ap.parse_args()

    work = tempfile.mkdtemp(prefix="cmgemu-soak-")
    ready_path = os.path.join(work, "ready.json")
    serve = subprocess.Popen(
        [args.cmgemu, "serve", "--state", os.path.join(work, "state"), "--lab", LAB,
         "--ready-file", ready_path],
        stdout=open(os.path.join(work, "serve.log"), "w"), stderr=subprocess.STDOUT)
    try:
        for _ in range(600):
            if os.path.exists(ready_path):
                break
            if serve.poll() is not None:
                sys.exit("serve exited early: " + open(os.path.join(work, "serve.log")).read())
            time.sleep(0.05)
        ready = json.load(open(ready_path))
        stats, stop = Stats(), threading.Event()
        threads = [threading.Thread(target=worker, args=(n, ready, stats, stop), daemon=True)
                   for n in range(args.workers)]
        for t in threads:
            t.start()
        print(f"soak: {args.workers} workers for {args.minutes} min against pid {serve.pid}")
        print("minute   rss_MiB  open_fds  requests  errors  p99_ms")
        samples = []
        total_errors = 0
        end = time.monotonic() + args.minutes * 60
        minute = 0
        while time.monotonic() < end:
            time.sleep(min(args.interval, max(0, end - time.monotonic())))
            minute += args.interval / 60
            if serve.poll() is not None:
                print("FAIL: serve died", file=sys.stderr)
                return 1
            lat, errors, error_samples = stats.take()
            total_errors += errors
            rss, fds = proc_rss_kib(serve.pid), proc_fds(serve.pid)
            samples.append((minute, rss, fds))
            print(f"{minute:6.1f}  {rss / 1024:8.1f}  {fds:8d}  {len(lat):8d}  {errors:6d}  "
                  f"{p99(lat) * 1000:6.1f}", flush=True)
            for s in error_samples:
                print("  error:", s)
        stop.set()
        for t in threads:
            t.join(timeout=35)
        warm = [s for s in samples if s[0] <= args.warmup] or samples[:1]
        later = [s for s in samples if s[0] > args.warmup]
        if not later:
            print("soak: too short to judge flatness (no sample after the warm-up)")
            return 0
        base_rss, base_fds = max(s[1] for s in warm), max(s[2] for s in warm)
        top_rss, top_fds = max(s[1] for s in later), max(s[2] for s in later)
        rss_ok = top_rss <= base_rss * 1.2 + 16 * 1024
        fds_ok = top_fds <= base_fds + 16
        print(f"soak: RSS warm-up max {base_rss / 1024:.1f} MiB, later max {top_rss / 1024:.1f} "
              f"MiB ({'flat' if rss_ok else 'GROWING'}); open files {base_fds} -> {top_fds} "
              f"({'flat' if fds_ok else 'GROWING'})")
        print(f"soak: {total_errors} failed requests")
        return 0 if rss_ok and fds_ok and total_errors == 0 else 1
    finally:
        serve.send_signal(signal.SIGTERM)
        try:
            serve.wait(timeout=20)
        except subprocess.TimeoutExpired:
            serve.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
