"""`make load` and `make load-smoke`: signed-in users against gunicorn and PostgreSQL on
this machine's loopback interface (docs/deployment.md, "Load and capacity").

  .venv/bin/python load/run.py [--users 100] [--duration 180] [--worker-class sync]
                               [--workers 5] [--threads 1] [--json FILE]

It prepares a database of its own (LOAD_DATABASE_URL, default stetapp_load on the local
server: migrated, and a 26-group synthetic programme written by seed_scale when it has
none), gives the programme's accounts a random password for this run
(`manage.py load_personas`), collects the static files, starts gunicorn with the load
settings (stetapp/settings/load.py: production, over plain HTTP) on a free port, waits
until it answers, and runs locust headless (load/locustfile.py). Then it prints the
median, p95 and p99 per page type, the requests per second and the error count, stops
gunicorn whatever happened, and exits with 1 on any error.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/stetapp_load"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def redis_reachable(host: str = "127.0.0.1", port: int = 6379) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def ensure_database(url: str) -> None:
    """Create the database when the server does not have it yet."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    server = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(server, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "python"), "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )


def must(result: subprocess.CompletedProcess, what: str) -> None:
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-2000:] + result.stderr[-4000:])
        raise SystemExit(f"load: {what} failed")


def wait_until_up(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("load: gunicorn stopped before it answered")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    raise SystemExit(f"load: {url} did not answer within {seconds:.0f} s")


def percentiles(stats_csv: Path) -> list[dict]:
    """Locust's statistics per page type (and the aggregate last)."""
    rows = []
    with stats_csv.open(newline="") as f:
        for row in csv.DictReader(f):
            rows.append(
                {
                    "name": row["Name"] if row["Name"] != "Aggregated" else "all requests",
                    "requests": int(row["Request Count"]),
                    "failures": int(row["Failure Count"]),
                    "p50_ms": _number(row["50%"]),
                    "p95_ms": _number(row["95%"]),
                    "p99_ms": _number(row["99%"]),
                    "max_ms": _number(row["Max Response Time"]),
                    "rps": round(float(row["Requests/s"]), 2),
                }
            )
    return rows


def _number(text: str) -> float | None:
    return None if text in ("", "N/A") else round(float(text))


def table(rows: list[dict]) -> str:
    lines = [
        f"{'page type':<32} {'requests':>8} {'errors':>6} {'p50 ms':>7} {'p95 ms':>7} "
        f"{'p99 ms':>7} {'max ms':>7} {'req/s':>6}"
    ]
    for r in rows:
        lines.append(
            f"{r['name']:<32} {r['requests']:>8} {r['failures']:>6} {r['p50_ms'] or 0:>7.0f} "
            f"{r['p95_ms'] or 0:>7.0f} {r['p99_ms'] or 0:>7.0f} {r['max_ms'] or 0:>7.0f} "
            f"{r['rps']:>6.2f}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--spawn-rate", type=float, default=2.0, help="users started per second")
    parser.add_argument("--duration", type=int, default=180, help="seconds of load")
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"])
    parser.add_argument("--workers", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--groups", type=int, default=26, help="groups seeded when none")
    parser.add_argument("--json", dest="json_path", help="also write the results as JSON")
    args = parser.parse_args(argv)

    database = os.environ.get("LOAD_DATABASE_URL", DEFAULT_DATABASE)
    ensure_database(database)
    work = Path(tempfile.mkdtemp(prefix="stetapp-load-"))
    password_file = work / "password"
    password_file.write_text(secrets.token_urlsafe(24))
    password_file.chmod(0o600)
    personas = work / "personas.json"
    base_env = {**os.environ, "DATABASE_URL": database, "PYTHONUNBUFFERED": "1"}
    local = {**base_env, "DJANGO_SETTINGS_MODULE": "stetapp.settings.local"}
    served = {
        **base_env,
        "DJANGO_SETTINGS_MODULE": "stetapp.settings.load",
        # A key for this run only, never stored: sessions die with the run.
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_STATIC_ROOT": str(work / "static"),
        "DJANGO_LOG_LEVEL": "WARNING",
        "STETAPP_PRIVATE_MEDIA_ROOT": str(work / "private"),
        "DJANGO_MEDIA_ROOT": str(work / "media"),
    }
    if redis_reachable():
        served["REDIS_URL"] = "redis://127.0.0.1:6379/7"
    gunicorn = None
    try:
        print("load: preparing the database …", flush=True)
        must(manage("migrate", "--noinput", env=local), "migrate")
        listed = manage(
            "load_personas", "--password-file", str(password_file), "-o", str(personas), env=local
        )
        if listed.returncode != 0:
            must(manage("seed_scale", "--groups", str(args.groups), env=local), "seed_scale")
            listed = manage(
                "load_personas",
                *("--password-file", str(password_file), "-o", str(personas)),
                env=local,
            )
        must(listed, "load_personas")
        print("load: " + listed.stdout.strip(), flush=True)
        if "REDIS_URL" not in served:
            must(manage("createcachetable", env=served), "createcachetable")
        must(manage("collectstatic", "--noinput", env=served), "collectstatic")

        port = free_port()
        host = f"http://127.0.0.1:{port}"
        command = [
            str(BIN / "gunicorn"),
            "stetapp.wsgi",
            *("--bind", f"127.0.0.1:{port}"),
            *("--workers", str(args.workers)),
            *("--worker-class", args.worker_class),
            *("--threads", str(args.threads)),
            *("--timeout", "60"),
        ]
        log = (work / "gunicorn.log").open("w")
        gunicorn = subprocess.Popen(
            command, cwd=ROOT, env=served, stdout=log, stderr=subprocess.STDOUT
        )
        wait_until_up(f"{host}/healthz", gunicorn)
        model = f"{args.worker_class}, {args.workers} workers × {args.threads} threads"
        print(
            f"load: {args.users} users for {args.duration} s against gunicorn ({model}) …",
            flush=True,
        )
        started = os.getloadavg()
        prefix = work / "locust"
        locust = subprocess.run(
            [
                str(BIN / "locust"),
                *("-f", str(ROOT / "load" / "locustfile.py")),
                "--headless",
                "--only-summary",
                *("--users", str(args.users)),
                *("--spawn-rate", str(args.spawn_rate)),
                *("--run-time", f"{args.duration}s"),
                *("--stop-timeout", "20"),
                *("--host", host),
                *("--csv", str(prefix)),
                *("--loglevel", "WARNING"),
            ],
            cwd=ROOT,
            env={
                **base_env,
                "LOAD_PERSONAS": str(personas),
                "LOAD_PASSWORD_FILE": str(password_file),
            },
            capture_output=True,
            text=True,
        )
        rows = percentiles(Path(f"{prefix}_stats.csv"))
        errors = sum(r["failures"] for r in rows if r["name"] != "all requests")
        print(table(rows))
        ended = os.getloadavg()
        print(f"load average (1 min) at start {started[0]:.2f}, at end {ended[0]:.2f}")
        failures = Path(f"{prefix}_failures.csv")
        if errors and failures.exists():
            print(failures.read_text())
        if args.json_path:
            Path(args.json_path).write_text(
                json.dumps(
                    {
                        "users": args.users,
                        "duration_s": args.duration,
                        "server": model,
                        "errors": errors,
                        "load_average": [started[0], ended[0]],
                        "results": rows,
                    },
                    indent=2,
                )
                + "\n"
            )
        if errors or locust.returncode not in (0, 1):
            # The server's side of it (synthetic accounts only; the logs are scrubbed).
            log.flush()
            tail = (work / "gunicorn.log").read_text(errors="replace").splitlines()[-40:]
            print("\n".join(["gunicorn's last lines:", *tail]))
        if locust.returncode not in (0, 1):
            sys.stderr.write(locust.stderr[-4000:])
            print(f"load: locust ended with {locust.returncode}")
            return 1
        if errors:
            print(f"load: {errors} errors")
            return 1
        print("load: 0 errors")
        return 0
    finally:
        if gunicorn is not None and gunicorn.poll() is None:
            gunicorn.send_signal(signal.SIGTERM)
            try:
                gunicorn.wait(timeout=30)
            except subprocess.TimeoutExpired:
                gunicorn.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
