"""Benchmark 10: check-in at the door — 2,000 tickets scanned by 200 devices at once over HTTP
(target: p95 ≤ 300 ms, and not one ticket counted twice).

Two loads are measured. *At the door* (the target's measure): 200 devices scan side by side, each
at the pace of a door — a scan, the answer read, the next attendee — one scan every
``DOOR_PACE_S`` seconds, started at random offsets within the first interval; 100 scans a second
offered to the server in all. *Flooded*: the same 200 devices send their scans back to back
without pause, which measures how the server queues when more is asked of it than it can serve
(reported, not judged).

An activity of its own (a host association, a clerk with ``activity.manage``, 2,000 confirmed
registrations) is written and committed, since the server is another process; gunicorn starts on
a free loopback port as for benchmark 7 (:mod:`kexie.bench.http`). 200 client threads then post
2,400 scans to the check-in endpoint (``activities:checkin_scan``, what the phone page calls):
every ticket once and 400 of them a second time, shuffled, so repeated scans race their first.
Each answer is read: 2,000 must say "checked in", 400 "already", none refused; the database must
hold 2,000 check-ins and exactly one check-in audit row per ticket. The same threads then load
the minimal JSON view on the same server for the baseline. Everything the run wrote is deleted
afterwards (the audit rows stay: the chain is append-only).
"""

import http.client
import json
import os
import random
import secrets
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

TICKETS, QUICK_TICKETS = 2_000, 200
CLIENTS, QUICK_CLIENTS = 200, 50
REPEATS = 0.2  # a fifth of the tickets scanned a second time
TARGET_MS = 300
DOOR_PACE_S = 2.0  # one scan per device every two seconds: show the code, beep, next attendee


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return round(ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))], 2)


def _summary(latencies: list[float], seconds: float) -> dict:
    return {"requests": len(latencies), "p50_ms": _percentile(latencies, 50), "p95_ms": _percentile(latencies, 95),
            "p99_ms": _percentile(latencies, 99), "max_ms": round(max(latencies or [0]), 2),
            "requests_per_s": round(len(latencies) / seconds, 1) if seconds else 0.0}


def _setup(n: int):
    """The host, the clerk, the activity and ``n`` confirmed registrations, committed."""
    import datetime as dt

    from django.utils import timezone

    from kexie.accounts.models import Role, User
    from kexie.accounts.roles import ensure_builtin_roles
    from kexie.activities.models import Activity, Registration
    from kexie.activities.registration import new_ticket
    from kexie.organizations.services import organizations_bulk_create

    ensure_builtin_roles()
    stamp = secrets.token_hex(3)
    (host,) = organizations_bulk_create(by=None, rows=[
        {"name": f"签到基准科学技术协会{stamp}", "kind": "national_association", "parent": None}])
    clerk = User.objects.create(username=f"checkin-bench-{stamp}", full_name="签到基准干事", organization=host,
                                must_change_password=False, password_changed_at=timezone.now())
    clerk.roles.set(Role.objects.filter(code="provincial_clerk"))
    day = timezone.localdate() + dt.timedelta(days=1)
    activity = Activity.objects.create(organization=host, kind="conference", title=f"签到基准学术年会{stamp}",
                                       starts_on=day, ends_on=day, registration_open=True, capacity=n)
    Registration.objects.bulk_create([
        Registration(activity=activity, name=f"参会者{i:05d}", unit="基准单位", status="confirmed", ticket=new_ticket())
        for i in range(n)], batch_size=1000)
    return host, clerk, activity


def _cleanup(host, clerk, activity) -> None:
    from kexie.organizations.models import Organization, OrganizationClosure

    activity.delete()  # its registrations go with it
    clerk.roles.clear()
    clerk.delete()
    OrganizationClosure.objects.filter(descendant=host).delete()
    Organization.objects.filter(pk=host.pk).delete()


def _load(port: int, requests: list[tuple[str, str, bytes]], headers: dict, clients: int):
    """Send ``requests`` (method, path, body) from ``clients`` threads at once; the latencies (ms)
    and the answers (status, JSON or None) in order."""
    latencies, answers = [0.0] * len(requests), [None] * len(requests)
    start = threading.Barrier(clients)
    cursor = iter(range(len(requests)))
    lock = threading.Lock()

    def client():
        start.wait()
        while True:
            with lock:
                i = next(cursor, None)
            if i is None:
                return
            method, path, body = requests[i]
            began = time.perf_counter()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                data = response.read()
                status = response.status
            except OSError as error:
                status, data = 0, str(error).encode()
            finally:
                connection.close()
            latencies[i] = (time.perf_counter() - began) * 1000
            try:
                answers[i] = (status, json.loads(data))
            except ValueError:
                answers[i] = (status, None)

    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        for _ in range(clients):
            pool.submit(client)
    return latencies, answers, time.perf_counter() - began


def _door(port: int, requests: list[tuple[str, str, bytes]], headers: dict, devices: int, pace: float,
          seed: int = 10):
    """``devices`` threads, each sending its share of ``requests`` one every ``pace`` seconds
    (from a random offset within the first interval); the latencies (ms) and answers in order."""
    latencies, answers = [0.0] * len(requests), [None] * len(requests)
    rng = random.Random(seed)
    offsets = [rng.uniform(0, pace) for _ in range(devices)]
    start = threading.Barrier(devices)

    def device(d: int):
        start.wait()
        began = time.perf_counter()
        for k, i in enumerate(range(d, len(requests), devices)):
            wait = began + offsets[d] + k * pace - time.perf_counter()
            if wait > 0:
                time.sleep(wait)  # the door's pace, not a wait for the server
            latencies[i], answers[i] = _send(port, requests[i], headers)

    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=devices) as pool:
        list(pool.map(device, range(devices)))
    return latencies, answers, time.perf_counter() - began


def _send(port: int, request: tuple[str, str, bytes], headers: dict) -> tuple[float, tuple]:
    method, path, body = request
    began = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        status = response.status
    except OSError as error:
        status, data = 0, str(error).encode()
    finally:
        connection.close()
    latency = (time.perf_counter() - began) * 1000
    try:
        return latency, (status, json.loads(data))
    except ValueError:
        return latency, (status, None)


def _outcomes(answers) -> dict:
    outcomes: dict = {}
    for status, body in answers:
        key = body.get("outcome") if isinstance(body, dict) else f"http {status}"
        outcomes[key] = outcomes.get(key, 0) + 1
    return outcomes


def bench_checkin(ctx) -> dict:
    from django.db import connection
    from django.urls import reverse

    from kexie.audit.models import AuditLog

    from .http import _database_url, _free_port, _session_cookie, _wait_until_up
    from .suite import _skipped

    if connection.vendor != "postgresql":
        return _skipped("needs PostgreSQL: 200 concurrent writers")
    n, clients = (QUICK_TICKETS, QUICK_CLIENTS) if ctx.quick else (TICKETS, CLIENTS)
    workers = 2 if ctx.quick else (os.cpu_count() or 1) * 2 + 1
    host, clerk, activity = _setup(n)
    port = _free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "kexie.bench.settings", "KEXIE_DATABASE_URL": _database_url()}
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "kexie.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--backlog", "4096", "--log-level", "warning"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        _wait_until_up(f"http://127.0.0.1:{port}", process)
        csrf = secrets.token_hex(16)  # 32 characters: a CSRF secret, sent as cookie and header
        headers = {"Cookie": f"{_session_cookie(clerk)}; csrftoken={csrf}", "X-CSRFToken": csrf,
                   "Accept": "application/json", "Content-Type": "application/x-www-form-urlencoded"}
        tickets = list(activity.registrations.values_list("ticket", flat=True))
        rng = random.Random(10)
        scans = tickets + rng.sample(tickets, int(len(tickets) * REPEATS))
        rng.shuffle(scans)
        scan_path = reverse("activities:checkin_scan", args=[activity.pk])
        page_path = reverse("activities:checkin", args=[activity.pk])
        # Warm-up, not counted: every worker loads its code, translations and a database connection.
        _load(port, [("GET", page_path, b"")] * (workers * 8), headers, min(clients, workers * 4))
        pace = DOOR_PACE_S * QUICK_CLIENTS / CLIENTS if ctx.quick else DOOR_PACE_S  # 100 scans/s offered either way

        def scans_of(op):
            return [("POST", scan_path, urlencode({"code": code, "op": op}).encode()) for code in scans]

        # At the door: every ticket checked in, a fifth scanned again.
        latencies, answers, seconds = _door(port, scans_of("in"), headers, clients, pace)
        outcomes = _outcomes(answers)
        checked_in = activity.registrations.filter(checked_in_at__isnull=False).count()
        ids = [str(pk) for pk in activity.registrations.values_list("pk", flat=True)]
        audit_rows = AuditLog.objects.filter(action="checkin", object_type="activities.registration",
                                             object_id__in=ids).count()
        base_latencies, _answers, base_seconds = _door(port, [("GET", "/bench/baseline/", b"")] * len(scans),
                                                       headers, clients, pace)
        # Flooded: the same devices check every ticket out without pausing.
        flood_latencies, flood_answers, flood_seconds = _load(port, scans_of("out"), headers, clients)
        flood_outcomes = _outcomes(flood_answers)
        checked_out = activity.registrations.filter(checked_out_at__isnull=False).count()
        flood_base, _answers, flood_base_seconds = _load(port, [("GET", "/bench/baseline/", b"")] * len(scans),
                                                         headers, clients)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        _cleanup(host, clerk, activity)
    hot, baseline = _summary(latencies, seconds), _summary(base_latencies, base_seconds)
    doubles = max(audit_rows - checked_in, 0) + max(outcomes.get("ok", 0) - len(tickets), 0)
    correct = checked_in == len(tickets) and outcomes.get("ok", 0) == len(tickets) and doubles == 0 \
        and outcomes.get("already", 0) == len(scans) - len(tickets)
    flooded = {"scans": _summary(flood_latencies, flood_seconds), "baseline": _summary(flood_base, flood_base_seconds),
               "outcomes": flood_outcomes, "checked_out": checked_out,
               "correct": checked_out == len(tickets) and flood_outcomes.get("ok", 0) == len(tickets)}
    return {"status": "ok", "tickets": len(tickets), "scans": len(scans), "clients": clients, "workers": workers,
            "door_pace_s": pace, "offered_scans_per_s": round(clients / pace, 1),
            "outcomes": outcomes, "checked_in": checked_in, "checkin_audit_rows": audit_rows,
            "double_checkins": doubles, "correct": correct, "hot": hot, "baseline": baseline,
            "ratio_p95": round(hot["p95_ms"] / baseline["p95_ms"], 2) if baseline["p95_ms"] else None,
            "flooded": flooded,
            "target": f"{TICKETS:,} tickets, {CLIENTS} devices scanning at the door: p95 ≤ {TARGET_MS} ms, "
                      f"0 double check-ins",
            "met": None if ctx.quick else (hot["p95_ms"] <= TARGET_MS and correct and flooded["correct"])}
