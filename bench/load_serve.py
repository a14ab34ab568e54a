#!/usr/bin/env python3
"""Load test of `minutebook serve`: mixed searches at a fixed rate on loopback, bounded in time.

usage: bench/load_serve.py [--data DIR] [--rate 200] [--seconds 20] [--server minutebook|werkzeug|gunicorn|waitress]
                           [--client python|wrk]

Starts the server on 127.0.0.1 (``minutebook serve`` by default; ``gunicorn``/``waitress`` run the
same ``create_app`` when importable), then sends requests open-loop: each request has a scheduled
send time ``i / rate`` and its latency is counted from that time, so a server that falls behind is
charged for the queue it builds (no coordinated omission). Four requests in five are
``GET /api/search``, one in five the HTML search page, over the mixed query set of
bench_search.py. Prints one JSON object: achieved rate, p50/p95/p99, errors. A benchmark, never a test.

``--client wrk`` (Debian ``wrk``) drives the same paths closed-loop from ``--concurrency``
connections instead: it cannot hold a fixed rate, so it measures the most the server sustains and
the latency at that load, with a client that costs the 2-core machine far less CPU than Python's.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from bench_search import QUERIES, default_source, percentile  # noqa: E402

TARGET_P99_MS = 250.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_command(kind: str, data: Path, port: int, workers: int) -> list[str]:
    bindir = Path(sys.executable).parent
    if kind in ("minutebook", "werkzeug"):  # `minutebook serve`: gunicorn processes, or one Werkzeug process
        return [str(bindir / "minutebook"), "serve", "--data", str(data), "--host", "127.0.0.1", "--port", str(port),
                "--workers", "1" if kind == "werkzeug" else str(workers)]
    if kind == "gunicorn":
        return [sys.executable, "-m", "gunicorn", "-w", str(workers), "--threads", "8", "-b", f"127.0.0.1:{port}",
                "--log-level", "warning", "search_app.app:create_app()"]
    if kind == "waitress":
        return [sys.executable, "-m", "waitress", "--threads", "16", "--listen", f"127.0.0.1:{port}",
                "--call", "search_app.app:create_app"]
    raise SystemExit(f"unknown server {kind}")


def wait_ready(base: str, proc: subprocess.Popen[bytes], timeout: float = 120) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise SystemExit(f"server exited with status {proc.returncode}")
        try:
            with urllib.request.urlopen(base + "/api/search?q=council", timeout=5) as r:
                if r.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    raise SystemExit("server did not answer in time")


def request_plan(rate: float, seconds: float) -> list[str]:
    """The URL paths to send, in order: the query set cycled, every fifth one as the HTML page."""
    flat = [q for qs in QUERIES.values() for q in qs]
    n = int(rate * seconds)
    paths = []
    for i in range(n):
        q = urllib.parse.urlencode({"q": flat[i % len(flat)]})
        paths.append(f"/?{q}" if i % 5 == 4 else f"/api/search?{q}")
    return paths


def run_load(base: str, paths: list[str], rate: float, concurrency: int) -> dict[str, object]:
    latencies: list[float] = []
    service: list[float] = []
    errors: dict[str, int] = {}
    lock = threading.Lock()
    t0 = time.perf_counter() + 0.2

    def one(i: int, path: str) -> None:
        scheduled = t0 + i / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        start = time.perf_counter()
        err = None
        try:
            with urllib.request.urlopen(base + path, timeout=30) as r:
                r.read()
                if r.status != 200:
                    err = f"HTTP {r.status}"
        except urllib.error.HTTPError as exc:
            err = f"HTTP {exc.code}"
        except (urllib.error.URLError, OSError) as exc:
            err = type(exc).__name__
        end = time.perf_counter()
        with lock:
            latencies.append((end - scheduled) * 1000)
            service.append((end - start) * 1000)
            if err:
                errors[err] = errors.get(err, 0) + 1

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        for i, p in enumerate(paths):
            pool.submit(one, i, p)
    wall = time.perf_counter() - t0
    return {
        "requests": len(paths), "wall_s": round(wall, 2), "achieved_rps": round(len(paths) / wall, 1),
        "errors": sum(errors.values()), "error_kinds": errors,
        "latency_ms": {"p50": round(statistics.median(latencies), 1), "p95": round(percentile(latencies, 95), 1),
                       "p99": round(percentile(latencies, 99), 1), "max": round(max(latencies), 1)},
        "service_ms": {"p50": round(statistics.median(service), 1), "p95": round(percentile(service, 95), 1),
                       "p99": round(percentile(service, 99), 1)},
    }


WRK_LUA = """
paths = {%s}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
"""


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def run_wrk(base: str, paths: list[str], seconds: float, concurrency: int) -> dict[str, object]:
    """Closed-loop load with wrk over the same paths; its --latency percentiles parsed from the report."""
    if not shutil.which("wrk"):
        raise SystemExit("wrk not found (apt-get install -y wrk)")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(WRK_LUA % ", ".join(json.dumps(p) for p in paths[:200]))
    try:
        out = subprocess.run(["wrk", "-t2", f"-c{concurrency}", f"-d{int(seconds)}s", "--timeout", "30s",
                              "--latency", "-s", fh.name, base], capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(fh.name)
    pct = {m.group(1): _ms(m.group(2), m.group(3))
           for m in re.finditer(r"^\s+(50|75|90|99)%\s+([\d.]+)(us|ms|s|m)\s*$", out, re.M)}
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = (int(non2xx.group(1)) if non2xx else 0) + (sum(int(g) for g in sock.groups()) if sock else 0)
    return {
        "requests": total, "wall_s": seconds, "achieved_rps": float(re.search(r"Requests/sec:\s+([\d.]+)",
                                                                              out).group(1)),  # type: ignore[union-attr]
        "errors": errors, "error_kinds": {"non_2xx": int(non2xx.group(1)) if non2xx else 0,
                                          "socket": sock.group(0) if sock else ""},
        "latency_ms": {"p50": pct.get("50"), "p90": pct.get("90"), "p99": pct.get("99")},
        "connections": concurrency,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=None, help="data directory (default: the bench source store)")
    ap.add_argument("--rate", type=float, default=200.0, help="requests per second")
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--server", choices=["minutebook", "werkzeug", "gunicorn", "waitress"], default="minutebook")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="gunicorn worker processes")
    ap.add_argument("--concurrency", type=int, default=64, help="client threads, or wrk connections")
    ap.add_argument("--client", choices=["python", "wrk"], default="python")
    args = ap.parse_args()

    data = (args.data or default_source()).resolve()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "MINUTEBOOK_DATA": str(data)}
    proc = subprocess.Popen(server_command(args.server, data, port, args.workers), cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_ready(base, proc)
        # warm every worker's index handle and the query caches before measuring
        run_load(base, request_plan(50, 2), 50, 16)
        if args.client == "wrk":
            result = run_wrk(base, request_plan(args.rate, args.seconds), args.seconds, args.concurrency)
        else:
            result = run_load(base, request_plan(args.rate, args.seconds), args.rate, args.concurrency)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
    p99 = result["latency_ms"]["p99"]  # type: ignore[index]
    out = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
        "server": args.server, "client": args.client, "data": str(data),
        "target_rps": args.rate if args.client == "python" else None, "seconds": args.seconds,
        **result,
        "target_met": bool(result["errors"] == 0 and p99 <= TARGET_P99_MS),
    }
    json.dump(out, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
