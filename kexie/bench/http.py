"""Benchmark 7: HTTP throughput and latency under 8 concurrent clients.

Starts gunicorn on a free loopback port with ``kexie.bench.settings`` (the product's URLs plus the
baseline view), signs a session in for the national clerk, and loads each endpoint with ``wrk``
(Debian package ``wrk``): the dashboard API, the ledger page and the ledger API, interleaved in
rounds with the minimal JSON view on the same server. wrk's own latency histogram gives the
percentiles (a Lua ``done`` hook prints them as JSON).
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from urllib.parse import urlencode

from django.conf import settings
from django.urls import Resolver404, resolve

from .suite import _skipped, ledger_filters

CLIENTS = 8
WRK_SCRIPT = """
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
                 + summary.errors.status + summary.errors.timeout
  io.write(string.format('{"requests": %d, "duration_us": %d, "errors": %d, "non_2xx": %d, '
    .. '"p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d}\\n',
    summary.requests, summary.duration, errors, summary.errors.status,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _session_cookie(user) -> str:
    """A signed-in session for ``user`` with the second factor given, as a Cookie header value."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from kexie.accounts.sessionkeys import LAST_SEEN, OTP_VERIFIED

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0] if getattr(
        settings, "AUTHENTICATION_BACKENDS", None) else "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[OTP_VERIFIED] = True
    session[LAST_SEEN] = time.time() + 3600  # the run outlasts no idle timeout
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def _wrk(url: str, cookie: str, seconds: int, script: str) -> dict:
    out = subprocess.run(
        ["wrk", "-t", "2", "-c", str(CLIENTS), "-d", f"{seconds}s", "--timeout", "10s", "-s", script,
         "-H", f"Cookie: {cookie}", url],
        capture_output=True, text=True, timeout=seconds + 60, check=True).stdout
    line = [raw for raw in out.splitlines() if raw.startswith("{")][-1]
    data = json.loads(line)
    duration = data["duration_us"] / 1e6
    return {"requests": data["requests"], "errors": data["errors"], "non_2xx": data["non_2xx"],
            "requests_per_s": round(data["requests"] / duration, 1) if duration else 0.0,
            "p50_ms": data["p50_us"] / 1000, "p95_ms": data["p95_us"] / 1000, "p99_ms": data["p99_us"] / 1000}


def _merge(runs: list[dict]) -> dict:
    """Rounds of one endpoint together: total requests and errors, mean rate, worst percentiles."""
    return {"requests": sum(r["requests"] for r in runs), "errors": sum(r["errors"] for r in runs),
            "non_2xx": sum(r["non_2xx"] for r in runs),
            "requests_per_s": round(sum(r["requests_per_s"] for r in runs) / len(runs), 1),
            "p50_ms": round(sorted(r["p50_ms"] for r in runs)[len(runs) // 2], 2),
            "p95_ms": round(max(r["p95_ms"] for r in runs), 2), "p99_ms": round(max(r["p99_ms"] for r in runs), 2)}


def _drain(base: str, cookie: str, timeout: float = 60) -> None:
    """Wait until the workers have finished what wrk left in flight (requests it stopped waiting
    for are still computed): the next measurement must start on an idle server."""
    deadline = time.monotonic() + timeout
    request = urllib.request.Request(base + "/bench/baseline/", headers={"Cookie": cookie})
    while time.monotonic() < deadline:
        started = time.monotonic()
        try:
            urllib.request.urlopen(request, timeout=timeout)  # noqa: S310 - loopback
        except OSError:
            pass
        if time.monotonic() - started < 0.2:
            return
        time.sleep(0.5)


def _wait_until_up(base: str, process, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        try:
            urllib.request.urlopen(base + "/bench/baseline/", timeout=2)  # noqa: S310 - loopback
            return
        except urllib.error.HTTPError:
            return  # 401: the server answers
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer within a minute")


def endpoints(ctx) -> list[dict]:
    """(name, path, target) of every endpoint measured; the dashboard only once its API exists."""
    query = urlencode(ledger_filters(ctx))
    found = [{"name": "ledger page", "path": f"/ledger/?{query}", "target": "no target set"},
             {"name": "ledger API", "path": f"/api/v1/ledger/?{query}", "target": "no target set"}]
    try:
        resolve("/api/v1/dashboard/")
        dashboard = f"/api/v1/dashboard/?org={ctx.root.pk}"
    except Resolver404:
        dashboard = None
    if dashboard:
        found.insert(0, {"name": "dashboard API (national)", "path": dashboard,
                         "target": "≥ 150 req/s, p95 ≤ 200 ms, no errors", "check": True})
    return found


def run_http(ctx) -> dict:
    if not shutil.which("wrk"):
        return _skipped("wrk is not installed (Debian package wrk)")
    seconds, rounds = (1, 1) if ctx.quick else (10, 2)
    workers = 2 if ctx.quick else (os.cpu_count() or 1) * 2 + 1
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "kexie.bench.settings"}
    if connection_url := _database_url():
        env["KEXIE_DATABASE_URL"] = connection_url
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "kexie.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--log-level", "warning"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
    try:
        script.write(WRK_SCRIPT)
        script.close()
        _wait_until_up(base, process)
        cookie = _session_cookie(ctx.root_clerk)
        targets = endpoints(ctx)
        for path in [t["path"] for t in targets] + ["/bench/baseline/"]:
            # Warm-up, not counted: each worker's first requests load code, translations and caches.
            _wrk(base + path, cookie, 1 if ctx.quick else 3, script.name)
            _drain(base, cookie)
        runs = {t["name"]: [] for t in targets}
        baseline_runs = []
        for _round in range(rounds):
            for t in targets:  # interleaved: each endpoint, then the baseline, round after round
                runs[t["name"]].append(_wrk(base + t["path"], cookie, seconds, script.name))
                _drain(base, cookie)
                baseline_runs.append(_wrk(base + "/bench/baseline/", cookie, seconds, script.name))
                _drain(base, cookie)
        baseline = _merge(baseline_runs)
        measured = []
        for t in targets:
            r = _merge(runs[t["name"]])
            r.update({"name": t["name"], "path": t["path"], "target": t["target"],
                      "ratio_p95": round(r["p95_ms"] / baseline["p95_ms"], 2) if baseline["p95_ms"] else None,
                      "throughput_ratio": round(baseline["requests_per_s"] / r["requests_per_s"], 2)
                      if r["requests_per_s"] else None})
            r["met"] = (r["requests_per_s"] >= 150 and r["p95_ms"] <= 200 and not r["errors"]) \
                if t.get("check") else None
            measured.append(r)
        dashboard_there = any(t.get("check") for t in targets)
        return {"status": "ok", "clients": CLIENTS, "workers": workers, "seconds_per_run": seconds,
                "rounds": rounds, "endpoints": measured, "baseline": baseline,
                "hot": {k: measured[0][k] for k in ("p50_ms", "p95_ms")},
                "note": "" if dashboard_there else "the dashboard API is not there yet",
                "target": "dashboard ≥ 150 req/s at 8 clients, p95 ≤ 200 ms, no errors",
                "met": measured[0]["met"] if dashboard_there else None}
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        os.unlink(script.name)


def _database_url() -> str:
    """The running database as a KEXIE_DATABASE_URL for the server (the same data)."""
    from django.db import connection

    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    at = f"{user}{password}@" if user else ""
    return f"postgres://{at}{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"
