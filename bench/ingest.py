"""Submission ingest as ODK Collect does it: N generated submissions (a share with a photo) POSTed
over HTTP by 16 concurrent clients, each with its own connection and HTTP Basic
authentication, to a Minka served by gunicorn (sync workers, one per core: on 2 cores threads
only add contention for Python's GIL). Prints submissions per second and p50/p95 latency,
compares them with the target named below and with the first thousand submissions of the same run
(the cost per submission must not grow with the table), and ends with one JSON line. Uses a
throw-away SQLite database, or MINKA_DATABASE_URL (make bench runs both). Never fails on a time.

    python bench/ingest.py [--n 50000] [--clients 16] [--photos 0.0] [--workers 4]
"""

import argparse
import base64
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SUBS_PER_S = 400  # the target on this kind of 2-core machine, PostgreSQL, no photos
ODK_CENTRAL_SUBS_PER_S = 200  # ODK Central's backend, measured by others on the same kind of machine

SETUP = """
import django; django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from minka.conftest import build_territory, ensure_value_chains, make_user
from minka.collect import services
from minka.collect.tests.xlsforms import xlsform
ensure_value_chains()
places = build_territory()
make_user("bench", "technician", places["ocongate"])
coordinator = make_user("coord", "coordinator", places["cusco"])
services.publish_xlsform(actor=coordinator, data=xlsform(form_id="bench", version="1"), filename="b.xlsx",
                         territory=places["ocongate"])
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def body(boundary, photo):
    instance_id = f"uuid:{uuid.uuid4()}"
    xml = (f'<data id="bench" version="1"><household>F-AAAAAA</household><date>2024-11-20</date>'
           f"<litres>12.5</litres><cows>3</cows><photo>{'p.jpg' if photo else ''}</photo>"
           f"<meta><instanceID>{instance_id}</instanceID></meta></data>").encode()
    parts = [(b"xml_submission_file", b"submission.xml", b"text/xml", xml)]
    if photo:
        parts.append((b"p.jpg", b"p.jpg", b"image/jpeg", os.urandom(60_000)))
    chunks = []
    for name, filename, kind, content in parts:
        chunks += [b"--" + boundary, b'Content-Disposition: form-data; name="' + name + b'"; filename="' + filename
                   + b'"', b"Content-Type: " + kind, b"", content]
    chunks += [b"--" + boundary + b"--", b""]
    return b"\r\n".join(chunks)


def client(port, count, photo_share, auth, latencies, statuses, start_at, lock, index):
    boundary = b"----minka" + uuid.uuid4().hex.encode()
    headers = {"Authorization": auth, "X-OpenRosa-Version": "1.0",
               "Content-Type": "multipart/form-data; boundary=" + boundary.decode()}
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    start_at.wait()
    for n in range(count):
        payload = body(boundary, (n * 7 + index) % 100 < photo_share * 100)
        began = time.perf_counter()
        connection.request("POST", "/submission", payload, headers)
        response = connection.getresponse()
        response.read()
        finished = time.perf_counter()
        with lock:
            latencies.append((finished, (finished - began) * 1000))
            statuses[response.status] = statuses.get(response.status, 0) + 1


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=int(os.environ.get("MINKA_BENCH_N", 20000)))
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--photos", type=float, default=0.0, help="share of submissions with a 60 kB photo")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "minka.settings", "MINKA_DEBUG": "0",
           "MINKA_DATA_DIR": os.environ.get("MINKA_BENCH_DATA_DIR") or tempfile.mkdtemp(prefix="minka-ingest-"),
           "MINKA_ALLOWED_HOSTS": "127.0.0.1,localhost", "PYTHONPATH": str(ROOT)}
    database = "postgresql" if env.get("MINKA_DATABASE_URL") else "sqlite"
    (Path(env["MINKA_DATA_DIR"]) / "static").mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-c", SETUP], env=env, cwd=ROOT, check=True)
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "minka.wsgi", "-b", f"127.0.0.1:{port}",
                               "-w", str(args.workers), "--log-level", "warning"],
                              env=env, cwd=ROOT)
    try:
        for _attempt in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        auth = "Basic " + base64.b64encode(b"bench:s3cret-pass").decode()
        latencies, statuses, lock, start_at = [], {}, threading.Lock(), threading.Event()
        per_client = args.n // args.clients
        threads = [threading.Thread(target=client, args=(port, per_client, args.photos, auth, latencies, statuses,
                                                         start_at, lock, i)) for i in range(args.clients)]
        for thread in threads:
            thread.start()
        began = time.perf_counter()
        start_at.set()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - began
    finally:
        server.terminate()
        server.wait(timeout=30)
    latencies.sort()
    total = len(latencies)
    ms = sorted(lat for _t, lat in latencies)
    p50, p95 = statistics.median(ms), ms[int(0.95 * (len(ms) - 1))]
    by_order = [lat for _t, lat in latencies]  # in the order the answers came back
    first, last = by_order[:1000], by_order[-1000:]
    growth = statistics.mean(last) / statistics.mean(first)
    rate = total / elapsed
    print(f"database={database} submissions={total} clients={args.clients} workers={args.workers} "
          f"photos={args.photos:.0%} statuses={statuses}")
    print(f"{rate:8.0f} submissions/s   p50 {p50:6.1f} ms   p95 {p95:6.1f} ms   "
          f"({rate / TARGET_SUBS_PER_S:.2f}× the {TARGET_SUBS_PER_S}/s target, "
          f"{rate / ODK_CENTRAL_SUBS_PER_S:.2f}× ODK Central's {ODK_CENTRAL_SUBS_PER_S}/s)")
    print(f"mean latency, first 1,000: {statistics.mean(first):.1f} ms; last 1,000: {statistics.mean(last):.1f} ms "
          f"(×{growth:.2f})")
    print(json.dumps({"bench": "ingest", "database": database, "subs_per_s": round(rate, 1), "p50_ms": round(p50, 1),
                      "p95_ms": round(p95, 1), "n": total, "photos": args.photos, "growth_last_vs_first": round(growth, 2),
                      "target_subs_per_s": TARGET_SUBS_PER_S, "baseline_odk_central_subs_per_s": ODK_CENTRAL_SUBS_PER_S}))


if __name__ == "__main__":
    main()
