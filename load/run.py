"""`make load` / `make load-smoke`: locust against gunicorn + PostgreSQL, loopback only.

    python -m load.run [--users 100] [--duration 180] [--workers 2 --threads 4] …

1. The load database (default `stetapp_load` on the server of DATABASE_URL, or of
   postgres://postgres@127.0.0.1:5432): created when missing (`--fresh` drops it first),
   migrated, seeded by `seed_scale --groups 26` when it holds no synthetic programme, and
   given one account per virtual user (load/prepare.py).
2. gunicorn with the production settings on a free 127.0.0.1 port; the run waits for
   /readyz (database, cache, storage, queue) before it starts.
3. locust, headless, `--users` signed-in users with 5–15 s think time for `--duration`
   seconds (load/locustfile.py), spread over 127.0.0.x source addresses.
4. p50/p95/p99 per page type, the error count, the request rate; exit 1 on any error.
gunicorn is stopped and the temporary directory removed whatever happens (the database is
kept for the next run unless `--drop`).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
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
from urllib.parse import urlsplit, urlunsplit

from load.common import ADDRESSES, summarise, table

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"


def parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Load test: locust against gunicorn + PostgreSQL.")
    p.add_argument("--users", type=int, default=100)
    p.add_argument("--spawn-rate", type=float, default=1.0, help="Users started per second.")
    p.add_argument(
        "--duration",
        type=int,
        default=180,
        help="Seconds of load measured after every user has signed in.",
    )
    p.add_argument("--think", default="5,15", help="Think time between clicks: min,max s.")
    p.add_argument("--database", default="stetapp_load")
    p.add_argument("--fresh", action="store_true", help="Drop and rebuild the database.")
    p.add_argument("--drop", action="store_true", help="Drop the database afterwards.")
    p.add_argument("--groups", type=int, default=26, help="seed_scale groups when seeding.")
    # Without these, gunicorn.conf.py decides (the worker model of the Docker image).
    p.add_argument("--worker-class", choices=["sync", "gthread"])
    p.add_argument("--workers", type=int)
    p.add_argument("--threads", type=int)
    p.add_argument(
        "--background",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="Run the task worker and the scheduler beside gunicorn, as deployed.",
    )
    p.add_argument("--addresses", type=int, default=ADDRESSES)
    p.add_argument("--json", type=Path, help="Also write the summary as JSON here.")
    return p.parse_args(argv)


def database_urls(name: str) -> tuple[str, str]:
    """(the maintenance database's URL, the load database's URL) on DATABASE_URL's
    server, which must be PostgreSQL."""
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        base = DEFAULT_SERVER
    parts = urlsplit(base)
    return (
        urlunsplit(parts._replace(path="/postgres")),
        urlunsplit(parts._replace(path=f"/{name}")),
    )


def prepare_database(admin_url: str, name: str, *, fresh: bool) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(admin_url, autocommit=True) as conn:
        if fresh:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_database(admin_url: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def static_stale(root: Path) -> bool:
    """True when the collected static files (hashed and compressed, as in production:
    half a minute's work) are missing or older than a file under static/."""
    manifest = root / "staticfiles.json"
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    return any(f.stat().st_mtime > built for f in (ROOT / "static").rglob("*") if f.is_file())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def step(message: str) -> None:
    print(f"[load {time.strftime('%H:%M:%S')}] {message}", flush=True)


def loopback_get(url: str, *, timeout: float) -> int:
    """GET an http://127.0.0.1 URL as the TLS proxy would pass it on; the status, or 0
    when there is no answer."""
    if not url.startswith("http://127.0.0.1:"):
        raise ValueError(f"not a loopback URL: {url}")
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


def wait_ready(url: str, process: subprocess.Popen, *, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode} before it was ready")
        if loopback_get(url, timeout=5) == 200:
            return
        time.sleep(0.5)
    raise RuntimeError(f"{url} not ready after {timeout:.0f} s")


def warm_up(url: str, *, times: int) -> None:
    """Open the sign-in page a few times, so that each worker has imported and loaded
    its templates before the timings start."""
    for _ in range(times):
        loopback_get(url, timeout=30)


def stop(process: subprocess.Popen | None) -> None:
    """SIGTERM to the process group (gunicorn's master and workers), SIGKILL after 20 s."""
    if process is None or process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


# The processes a node runs beside gunicorn (docker-compose.yml's worker and scheduler
# services): the worker counts a large programme's dashboard and renders PDFs, the
# scheduler keeps dashboards and read report pages fresh. Their work weighs on the pages.
BACKGROUND = {
    "worker": ["db_worker", "--no-reload", "--interval", "2"],
    "scheduler": ["scheduler", "--interval", "60"],
}


def start_background(manage: list[str], env: dict, work: Path) -> dict[str, subprocess.Popen]:
    """Start the worker and the scheduler, each in its own process group and log."""
    started = {}
    for name, command in BACKGROUND.items():
        with open(work / f"{name}.log", "ab") as log:
            started[name] = subprocess.Popen(  # noqa: S603 (our own commands)
                [*manage, *command], env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
    return started


def worker_options(args: argparse.Namespace) -> list[str]:
    """gunicorn options for the worker model asked for; none: gunicorn.conf.py's."""
    options = []
    if args.worker_class:
        options += ["--worker-class", args.worker_class]
    if args.workers:
        options += ["--workers", str(args.workers)]
    if args.threads:
        options += ["--threads", str(args.threads)]
    return options


def warm_up_seconds(users: int, spawn_rate: float) -> int:
    """How long the users take to start and sign in before pages are measured: the
    spawning time, 25 s for the last one (it may wait 20 s for a fresh code:
    load/common.py) and a second per 5 users for the password hashes queued before it
    (0.3 s of processor time each): 45 s for 100 users, 29 s for 20."""
    return math.ceil(users / spawn_rate) + 25 + math.ceil(users / 5)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    # A stopped run (SIGTERM) still stops gunicorn and removes its files (finally below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    warmup = warm_up_seconds(args.users, args.spawn_rate)
    admin_url, db_url = database_urls(args.database)
    work = Path(tempfile.mkdtemp(prefix="stetapp-load-"))
    server: subprocess.Popen | None = None
    background: dict[str, subprocess.Popen] = {}
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "stetapp.settings.production",
        "DATABASE_URL": db_url,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        # gunicorn is reached directly: the client address is the socket's, not a header's.
        "ALLAUTH_TRUSTED_PROXY_COUNT": "0",
        "DJANGO_STATIC_ROOT": str(ROOT / "build" / "load-static"),
        "DJANGO_MEDIA_ROOT": str(work / "media"),
        "STETAPP_PRIVATE_MEDIA_ROOT": str(work / "private"),
        "DJANGO_LOG_LEVEL": os.environ.get("DJANGO_LOG_LEVEL", "WARNING"),
        "PYTHONPATH": str(ROOT),
    }
    env.pop("REDIS_URL", None)  # the database cache: what needs no other service
    env.pop("SENTRY_DSN", None)
    try:
        step(f"database {args.database}")
        prepare_database(admin_url, args.database, fresh=args.fresh)
        manage = [str(BIN / "python"), str(ROOT / "manage.py")]
        commands = [["migrate", "--noinput"], ["createcachetable"]]
        if static_stale(Path(env["DJANGO_STATIC_ROOT"])):
            commands.append(["collectstatic", "--noinput", "--clear"])
        for command in commands:
            subprocess.run(  # noqa: S603 (our own commands)
                [*manage, *command, "-v", "0"], env=env, cwd=ROOT, check=True, timeout=600
            )
        plan = work / "plan.json"
        step("seed and accounts")
        subprocess.run(  # noqa: S603
            [str(BIN / "python"), "-m", "load.prepare", "--users", str(args.users),
             "--groups", str(args.groups), "--plan", str(plan)],
            env=env, cwd=ROOT, check=True, timeout=900,
        )  # fmt: skip
        # The free port could be taken between the probe and gunicorn's bind: then
        # gunicorn exits at once, and the next attempt takes another port.
        for attempt in range(3):
            port = free_port()
            host = f"http://127.0.0.1:{port}"
            gunicorn = [
                str(BIN / "gunicorn"), "stetapp.wsgi", "--config", str(ROOT / "gunicorn.conf.py"),
                "--bind", f"127.0.0.1:{port}", *worker_options(args),
            ]  # fmt: skip
            step(f"gunicorn {' '.join(worker_options(args)) or '(gunicorn.conf.py)'} on {host}")
            with open(work / "gunicorn.log", "ab") as gunicorn_log:
                server = subprocess.Popen(  # noqa: S603
                    gunicorn, env=env, cwd=ROOT, stdout=gunicorn_log, stderr=subprocess.STDOUT,
                    start_new_session=True,
                )  # fmt: skip
            try:
                wait_ready(f"{host}/readyz", server)
                break
            except RuntimeError:
                stop(server)
                if attempt == 2:
                    raise
        if args.background:
            step(f"beside it: {', '.join(BACKGROUND)}")
            background = start_background(manage, env, work)
        warm_up(f"{host}{json.loads(plan.read_text())['urls']['login']}", times=10)
        report = work / "report.json"
        load_before = os.getloadavg()
        step(
            f"locust: {args.users} users, {warmup} s to sign in, then {args.duration} s "
            f"measured, think {args.think} s"
        )
        locust = [
            str(BIN / "locust"), "-f", str(ROOT / "load" / "locustfile.py"), "--headless",
            "--users", str(args.users), "--spawn-rate", str(args.spawn_rate),
            "--run-time", f"{warmup + args.duration}s", "--host", host, "--stop-timeout", "20",
            "--only-summary", "--loglevel", "WARNING",
        ]  # fmt: skip
        locust_env = {
            **env,
            "LOAD_PLAN": str(plan),
            "LOAD_REPORT": str(report),
            "LOAD_THINK": args.think,
            "LOAD_ADDRESSES": str(args.addresses),
            "LOAD_WARMUP": str(warmup),
        }
        with open(work / "locust.log", "wb") as locust_log:
            subprocess.run(  # noqa: S603
                locust, env=locust_env, cwd=ROOT, check=False, timeout=warmup + args.duration + 180,
                stdout=locust_log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        load_after = os.getloadavg()
        if server is None or server.poll() is not None:
            code = None if server is None else server.returncode
            raise RuntimeError(f"gunicorn stopped during the run ({code})")
        for name, process in background.items():
            if process.poll() is not None:
                raise RuntimeError(f"the {name} stopped during the run ({process.returncode})")
        data = json.loads(report.read_text())
        rows = summarise(data["times"], data["errors"])
        pages, total = rows[-2], rows[-1]
        print(table(rows))
        print(
            f"{pages.requests} page requests in the {args.duration} s measured: "
            f"{pages.requests / args.duration:.1f}/s; {total.errors} errors in all; "
            f"load average {load_before[0]:.2f} before, {load_after[0]:.2f} after (1 min), "
            f"{os.cpu_count()} cores"
        )
        for sample in data["samples"]:
            print("  error:", sample)
        if total.errors:
            # What the server said meanwhile (worker restarts, timeouts, tracebacks): the
            # work folder is removed at the end, so this is the only place to read it.
            noted = [
                line
                for line in (work / "gunicorn.log").read_text(errors="replace").splitlines()
                if any(word in line for word in ("WARNING", "ERROR", "CRITICAL", "Traceback"))
            ]
            print(f"gunicorn.log: {len(noted)} warnings and errors", *noted[-20:], sep="\n")
        if args.json:
            args.json.write_text(
                json.dumps(
                    {
                        "config": {k: str(v) for k, v in vars(args).items()},
                        "rate": pages.requests / args.duration,
                        "load": [load_before, load_after],
                        "rows": [r.__dict__ for r in rows],
                    },
                    indent=1,
                )
            )
        return 1 if total.errors or not total.requests else 0
    except (RuntimeError, subprocess.SubprocessError, OSError) as error:
        print(f"load: {error}", file=sys.stderr)
        logs = [work / "gunicorn.log", work / "locust.log"]
        for log in [*logs, *(work / f"{name}.log" for name in background)]:
            if log.exists():
                lines = log.read_text(errors="replace").splitlines()[-20:]
                print(f"{log.name}, last lines:", *lines, sep="\n", file=sys.stderr)
        return 2
    finally:
        for process in background.values():
            stop(process)
        stop(server)
        shutil.rmtree(work, ignore_errors=True)
        if args.drop:
            try:
                drop_database(admin_url, args.database)
            except Exception as error:
                print(f"load: could not drop {args.database}: {error}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
