"""The backup drill: back up, restore into an empty database, compare, smoke-test.

`python manage.py backup_drill` (`make backup-drill`; docs/deployment.md, "Backups and
restore") proves that a backup can be restored, rather than assuming it:

1. In one REPEATABLE READ transaction on the configured PostgreSQL database it exports a
   snapshot; `pg_dump -Fc --snapshot` dumps exactly that snapshot, and the per-table
   figures of the source are read in the same transaction, so a database in use compares
   cleanly with its own dump.
2. It writes the private files (STETAPP_PRIVATE_MEDIA_ROOT: receipts, logos, report ZIPs)
   into a tar, hashing each file as it goes in.
3. It creates an empty database (the source's name + `_drill`, same encoding and
   collation), `pg_restore`s the dump into it, all or nothing, and unpacks the tar into a
   fresh directory.
4. It compares per table the row count and an ordered checksum (md5 over the md5 of each
   row's text, in primary-key order), checks that no sequence is behind its column, and
   compares the files by path and sha256.
5. It runs `manage.py backup_drill_smoke` (in `reporting`, the installed app that may
   read every phase's models) in a separate process against the restored database and files: no
   pending migrations, counts, a group with its meetings, a few pages rendered, every
   file the database refers to present, a receipt opened.
6. It drops the restored database and the work directory (unless `keep`).

Every difference is a `mismatch`; the command exits non-zero when there is one. Nothing is
written to the source database.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess  # noqa: S404 - runs pg_dump, pg_restore and manage.py, no shell
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import psycopg
from django.conf import settings
from django.db import connections
from psycopg import sql

DRILL_SUFFIX = "_drill"
SMOKE_MARKER = "BACKUP-DRILL-SMOKE "

# Keys in DATABASES[...]["OPTIONS"] that Django or psycopg read themselves (psycopg's
# `prepare_threshold`: stetapp/settings/base.py); the others are libpq parameters.
_DJANGO_OPTIONS = {
    "isolation_level",
    "server_side_binding",
    "pool",
    "assume_role",
    "prepare_threshold",
    "cursor_factory",
    "context",
}


class DrillError(Exception):
    """The drill could not run (not PostgreSQL, a tool missing, a name taken)."""


@dataclass
class TableFigures:
    rows: int
    checksum: str


@dataclass
class FileFigures:
    count: int = 0
    bytes: int = 0
    sha256: dict[str, str] = field(default_factory=dict)


@dataclass
class DrillReport:
    source: str
    restored: str
    tables: int = 0
    rows: int = 0
    source_bytes: int = 0
    dump_bytes: int = 0
    restored_bytes: int = 0
    files: int = 0
    file_bytes: int = 0
    tar_bytes: int = 0
    dump_seconds: float = 0.0
    restore_seconds: float = 0.0
    compare_seconds: float = 0.0
    smoke_seconds: float = 0.0
    total_seconds: float = 0.0
    smoke: dict[str, Any] = field(default_factory=dict)
    mismatches: list[str] = field(default_factory=list)
    kept: Path | None = None

    @property
    def clean(self) -> bool:
        return not self.mismatches


# A hook run after the restore, before the comparison: (restored connection, restored
# files directory). The tests use it to damage the copy and see the drill notice.
AfterRestore = Callable[[psycopg.Connection, Path], None]


# --- connections ---------------------------------------------------------------------


def _conninfo(settings_dict: dict[str, Any], dbname: str) -> str:
    """A libpq connection string without the password (that goes in PGPASSWORD)."""
    params: dict[str, Any] = {"dbname": dbname}
    for key, name in (("HOST", "host"), ("PORT", "port"), ("USER", "user")):
        if settings_dict.get(key):
            params[name] = settings_dict[key]
    for key, value in (settings_dict.get("OPTIONS") or {}).items():
        if key not in _DJANGO_OPTIONS and isinstance(value, str | int):
            params[key] = value
    return psycopg.conninfo.make_conninfo(**params)


def _environment(settings_dict: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    return env


def _connect(settings_dict: dict[str, Any], dbname: str, **kwargs: Any) -> psycopg.Connection:
    return psycopg.connect(
        _conninfo(settings_dict, dbname), password=settings_dict.get("PASSWORD") or None, **kwargs
    )


def _database_url(settings_dict: dict[str, Any], dbname: str) -> str:
    """DATABASE_URL for the restored database: the configured URL with its database name
    replaced (keeps credentials and options), or one built from the settings."""
    configured = os.environ.get("DATABASE_URL", "")
    if configured.startswith(("postgres://", "postgresql://", "pgsql://")):
        return urlunsplit(urlsplit(configured)._replace(path="/" + quote(dbname)))
    user = quote(str(settings_dict.get("USER") or ""))
    password = settings_dict.get("PASSWORD")
    credentials = f"{user}:{quote(str(password))}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "localhost"
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"postgres://{credentials}{host}{port}/{quote(dbname)}"


# --- tools ---------------------------------------------------------------------------


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise DrillError(
            f"{name} not found: install the PostgreSQL client tools "
            "(Debian: apt-get install postgresql-client)"
        )
    return path


def _major(version_text: str) -> int:
    match = re.search(r"(\d+)(?:\.\d+)?", version_text)
    if match is None:
        raise DrillError(f"cannot read a version from {version_text!r}")
    return int(match.group(1))


def _check_client_version(tool: str, server_version_num: int) -> None:
    output = subprocess.run(  # noqa: S603
        [tool, "--version"], capture_output=True, text=True, check=True
    ).stdout
    client, server = _major(output), server_version_num // 10000
    if client < server:
        raise DrillError(
            f"{Path(tool).name} {client} is older than the server ({server}): install "
            f"postgresql-client-{server}"
        )


def _run(command: list[str], env: dict[str, str]) -> float:
    started = time.monotonic()
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)  # noqa: S603
    if result.returncode != 0:
        raise DrillError(f"{Path(command[0]).name} failed: {result.stderr.strip()[-2000:]}")
    return time.monotonic() - started


# --- database figures ----------------------------------------------------------------

_TABLES = """
SELECT n.nspname, c.relname,
       coalesce((SELECT array_agg(a.attname ORDER BY k.ord)
                 FROM pg_index i
                 CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
                 JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
                 WHERE i.indrelid = c.oid AND i.indisprimary), '{}')
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\\_%'
ORDER BY 1, 2
"""


def table_figures(conn: psycopg.Connection) -> dict[str, TableFigures]:
    """Row count and ordered checksum of every table, keyed "schema.table".

    The checksum is md5 over the md5 of each row's text in primary-key order (the row's
    text when a table has no primary key): 32 bytes per row in memory, not the row.
    """
    conn.execute("SET TIME ZONE 'UTC'")
    conn.execute("SET extra_float_digits = 3")
    figures: dict[str, TableFigures] = {}
    for schema, table, key in conn.execute(_TABLES).fetchall():
        order = (
            sql.SQL(", ").join(sql.SQL("t.{}").format(sql.Identifier(col)) for col in key)
            if key
            else sql.SQL("t::text")
        )
        query = sql.SQL(
            "SELECT count(*), md5(coalesce(string_agg(md5(t::text), '' ORDER BY {}), '')) "
            "FROM {}.{} AS t"
        ).format(order, sql.Identifier(schema), sql.Identifier(table))
        rows, checksum = conn.execute(query).fetchone()  # type: ignore[misc]
        figures[f"{schema}.{table}"] = TableFigures(rows=rows, checksum=checksum)
    return figures


_SEQUENCES = """
SELECT sn.nspname, s.relname, tn.nspname, t.relname, a.attname
FROM pg_class s
JOIN pg_namespace sn ON sn.oid = s.relnamespace
JOIN pg_depend d ON d.objid = s.oid AND d.classid = 'pg_class'::regclass
                 AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
JOIN pg_class t ON t.oid = d.refobjid
JOIN pg_namespace tn ON tn.oid = t.relnamespace
JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
WHERE s.relkind = 'S'
ORDER BY 1, 2
"""


def sequences_behind(conn: psycopg.Connection) -> list[str]:
    """Sequences whose next value is already in their column (the next insert would
    fail with a duplicate key): "schema.table.column"."""
    behind = []
    for seq_schema, seq, schema, table, column in conn.execute(_SEQUENCES).fetchall():
        last, called = conn.execute(  # type: ignore[misc]
            sql.SQL("SELECT last_value, is_called FROM {}.{}").format(
                sql.Identifier(seq_schema), sql.Identifier(seq)
            )
        ).fetchone()
        (highest,) = conn.execute(  # type: ignore[misc]
            sql.SQL("SELECT max({}) FROM {}.{}").format(
                sql.Identifier(column), sql.Identifier(schema), sql.Identifier(table)
            )
        ).fetchone()
        next_value = last + 1 if called else last
        if highest is not None and highest >= next_value:
            behind.append(f"{schema}.{table}.{column}")
    return behind


# --- files ---------------------------------------------------------------------------


class _HashingReader:
    """Reads a file for tarfile and hashes exactly the bytes that went into the tar."""

    def __init__(self, raw: Any) -> None:
        self.raw = raw
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.digest.update(data)
        return bytes(data)


def tar_files(root: Path, archive: Path) -> FileFigures:
    """Every regular file under `root` into `archive`, with what went in."""
    figures = FileFigures()
    with tarfile.open(archive, "w:gz") as tar:
        if not root.is_dir():
            return figures
        for path in sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink()):
            name = path.relative_to(root).as_posix()
            with path.open("rb") as handle:
                info = tar.gettarinfo(fileobj=handle, arcname=name)
                reader = _HashingReader(handle)
                tar.addfile(info, reader)
            figures.count += 1
            figures.bytes += info.size
            figures.sha256[name] = reader.digest.hexdigest()
    return figures


def file_figures(root: Path) -> FileFigures:
    figures = FileFigures()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        figures.count += 1
        figures.bytes += path.stat().st_size
        figures.sha256[path.relative_to(root).as_posix()] = digest.hexdigest()
    return figures


def untar_files(archive: Path, destination: Path) -> None:
    destination.mkdir(parents=True)
    with tarfile.open(archive, "r:gz") as tar:
        tar.extractall(destination, filter="data")


# --- comparing -----------------------------------------------------------------------


def compare_tables(source: dict[str, TableFigures], restored: dict[str, TableFigures]) -> list[str]:
    mismatches = []
    for name in sorted(set(source) | set(restored)):
        if name not in restored:
            mismatches.append(f"table {name}: missing from the restored database")
        elif name not in source:
            mismatches.append(f"table {name}: in the restored database only")
        elif source[name].rows != restored[name].rows:
            mismatches.append(
                f"table {name}: {source[name].rows} rows, restored {restored[name].rows}"
            )
        elif source[name].checksum != restored[name].checksum:
            mismatches.append(f"table {name}: same row count, different contents")
    return mismatches


def compare_files(source: FileFigures, restored: FileFigures) -> list[str]:
    mismatches = []
    for name in sorted(set(source.sha256) | set(restored.sha256)):
        if name not in restored.sha256:
            mismatches.append(f"file {name}: missing from the restored files")
        elif name not in source.sha256:
            mismatches.append(f"file {name}: in the restored files only")
        elif source.sha256[name] != restored.sha256[name]:
            mismatches.append(f"file {name}: different contents (sha256)")
    return mismatches


def smoke_mismatches(smoke: dict[str, Any]) -> list[str]:
    mismatches = []
    if "failed" in smoke:
        mismatches.append(f"smoke: the smoke test failed ({smoke['failed']})")
    if smoke.get("pending_migrations"):
        mismatches.append(
            f"smoke: {smoke['pending_migrations']} migrations not applied in the restored database"
        )
    for page, status in sorted(smoke.get("pages", {}).items()):
        if status != 200:
            mismatches.append(f"smoke: page {page} answered {status}")
    for name in smoke.get("missing_files", []):
        mismatches.append(f"smoke: the database refers to {name}, not in the restored files")
    if smoke.get("receipt") == "unreadable":
        mismatches.append("smoke: a receipt could not be opened from the restored files")
    return mismatches


# --- the drill -----------------------------------------------------------------------


def run_drill(
    *,
    database: str = "default",
    keep: bool = False,
    smoke: bool = True,
    after_restore: AfterRestore | None = None,
) -> DrillReport:
    """Run the drill (see the module docstring) and return its figures."""
    connection = connections[database]
    if connection.vendor != "postgresql":
        raise DrillError(
            f"the drill needs PostgreSQL; database '{database}' is {connection.vendor} "
            "(set DATABASE_URL to a PostgreSQL database)"
        )
    settings_dict = connection.settings_dict
    source_name = str(settings_dict["NAME"])
    restored_name = source_name + DRILL_SUFFIX
    if len(restored_name.encode()) > 63:
        raise DrillError(f"the name {restored_name} is longer than PostgreSQL allows (63)")
    pg_dump, pg_restore = _tool("pg_dump"), _tool("pg_restore")
    env = _environment(settings_dict)
    report = DrillReport(source=source_name, restored=restored_name)
    work = Path(tempfile.mkdtemp(prefix="stetapp-drill-"))
    created = False
    begun = time.monotonic()
    try:
        with _connect(settings_dict, source_name, autocommit=True) as admin:
            server = admin.info.server_version
            for tool in (pg_dump, pg_restore):
                _check_client_version(tool, server)
            if admin.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [restored_name]
            ).fetchone():
                raise DrillError(
                    f"database {restored_name} exists (left by a drill with --keep?); "
                    f"drop it first: dropdb {restored_name}"
                )
            encoding, collate, ctype, size = admin.execute(  # type: ignore[misc]
                "SELECT pg_encoding_to_char(encoding), datcollate, datctype, "
                "pg_database_size(datname) FROM pg_database WHERE datname = %s",
                [source_name],
            ).fetchone()
            report.source_bytes = size

            # 1. dump a snapshot, and read the source's figures in that snapshot
            dump = work / "database.dump"
            with _connect(settings_dict, source_name) as source:
                source.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
                source.read_only = True
                (snapshot,) = source.execute("SELECT pg_export_snapshot()").fetchone()  # type: ignore[misc]
                report.dump_seconds = _run(
                    [
                        pg_dump,
                        "--format=custom",
                        "--no-owner",
                        f"--snapshot={snapshot}",
                        f"--file={dump}",
                        f"--dbname={_conninfo(settings_dict, source_name)}",
                    ],
                    env,
                )
                started = time.monotonic()
                source_tables = table_figures(source)
                report.compare_seconds += time.monotonic() - started
            report.dump_bytes = dump.stat().st_size

            # 2. the private files
            started = time.monotonic()
            archive = work / "private-files.tar.gz"
            source_files = tar_files(Path(settings.STETAPP_PRIVATE_MEDIA_ROOT), archive)
            report.dump_seconds += time.monotonic() - started
            report.tar_bytes = archive.stat().st_size
            report.files, report.file_bytes = source_files.count, source_files.bytes

            # 3. restore into an empty database and a fresh directory
            started = time.monotonic()
            admin.execute(
                sql.SQL(
                    "CREATE DATABASE {} TEMPLATE template0 ENCODING {} LC_COLLATE {} LC_CTYPE {}"
                ).format(
                    sql.Identifier(restored_name),
                    sql.Literal(encoding),
                    sql.Literal(collate),
                    sql.Literal(ctype),
                )
            )
            created = True
            _run(
                [
                    pg_restore,
                    "--exit-on-error",
                    "--single-transaction",
                    "--no-owner",
                    f"--dbname={_conninfo(settings_dict, restored_name)}",
                    str(dump),
                ],
                env,
            )
            restored_files_root = work / "private-files"
            untar_files(archive, restored_files_root)
            report.restore_seconds = time.monotonic() - started

            # 4. compare
            with _connect(settings_dict, restored_name, autocommit=True) as restored:
                if after_restore is not None:
                    after_restore(restored, restored_files_root)
                started = time.monotonic()
                restored_tables = table_figures(restored)
                report.mismatches += compare_tables(source_tables, restored_tables)
                report.mismatches += [
                    f"sequence of {name} is behind its column"
                    for name in sequences_behind(restored)
                ]
                report.mismatches += compare_files(source_files, file_figures(restored_files_root))
                report.compare_seconds += time.monotonic() - started
            report.tables = len(source_tables)
            report.rows = sum(figures.rows for figures in source_tables.values())
            report.restored_bytes = admin.execute(  # type: ignore[index]
                "SELECT pg_database_size(%s)", [restored_name]
            ).fetchone()[0]

            # 5. smoke test in a separate process against the restored copy
            if smoke:
                started = time.monotonic()
                report.smoke = run_smoke(settings_dict, restored_name, restored_files_root)
                report.smoke_seconds = time.monotonic() - started
                report.mismatches += smoke_mismatches(report.smoke)

            # 6. clean up
            if keep:
                report.kept = work
            else:
                admin.execute(
                    sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(restored_name))
                )
                created = False
    finally:
        if created and not keep:
            with _connect(settings_dict, source_name, autocommit=True) as admin:
                admin.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                        sql.Identifier(restored_name)
                    )
                )
        if not keep:
            shutil.rmtree(work, ignore_errors=True)
    report.total_seconds = time.monotonic() - begun
    return report


def run_smoke(settings_dict: dict[str, Any], dbname: str, files_root: Path) -> dict[str, Any]:
    """`manage.py backup_drill_smoke` in its own process, against the restored copy."""
    env = _environment(settings_dict)
    env["DATABASE_URL"] = _database_url(settings_dict, dbname)
    env["DJANGO_SETTINGS_MODULE"] = settings.SETTINGS_MODULE
    # The copy's own cache (production falls back to the database cache table), so that
    # nothing the smoke test caches reaches the live Redis.
    env["REDIS_URL"] = ""
    result = subprocess.run(  # noqa: S603
        [
            sys.executable,
            str(Path(settings.BASE_DIR) / "manage.py"),
            "backup_drill_smoke",
            f"--files-root={files_root}",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    for line in result.stdout.splitlines():
        if line.startswith(SMOKE_MARKER):
            return dict(json.loads(line[len(SMOKE_MARKER) :]))
    tail = (result.stderr or result.stdout).strip().splitlines()[-5:]
    return {"failed": f"exit status {result.returncode}: " + " | ".join(tail)}


# --- the report ----------------------------------------------------------------------


def _size(count: int) -> str:
    value = float(count)
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{count} B"  # pragma: no cover


def format_report(report: DrillReport) -> str:
    smoke = report.smoke
    lines = [
        f"Backup drill of {report.source} (restored as {report.restored})",
        f"  database  {report.tables} tables, {report.rows} rows, "
        f"{_size(report.source_bytes)} on disk; dump {_size(report.dump_bytes)}; "
        f"restored {_size(report.restored_bytes)}",
        f"  files     {report.files} private files, {_size(report.file_bytes)}; "
        f"tar {_size(report.tar_bytes)}",
        f"  time      backup {report.dump_seconds:.1f} s, restore {report.restore_seconds:.1f} s, "
        f"compare {report.compare_seconds:.1f} s, smoke test {report.smoke_seconds:.1f} s; "
        f"{report.total_seconds:.1f} s in all",
    ]
    if smoke and "failed" not in smoke:
        counts = ", ".join(f"{value} {name}" for name, value in smoke.get("counts", {}).items())
        pages = ", ".join(f"{name} {status}" for name, status in smoke.get("pages", {}).items())
        lines.append(f"  smoke     {counts}")
        lines.append(
            f"            pages: {pages or 'none (no site administrator)'}; "
            f"files referenced {smoke.get('referenced_files', 0)}, "
            f"missing {len(smoke.get('missing_files', []))}; receipt {smoke.get('receipt')}"
        )
    elif smoke:
        lines.append(f"  smoke     FAILED: {smoke['failed']}")
    if report.kept:
        lines.append(f"  kept      database {report.restored}, files in {report.kept}")
    if report.clean:
        lines.append("  result    OK: 0 mismatches")
    else:
        lines.append(f"  result    FAILED: {len(report.mismatches)} mismatches")
        lines += [f"    - {item}" for item in report.mismatches[:50]]
        if len(report.mismatches) > 50:
            lines.append(f"    … and {len(report.mismatches) - 50} more")
    return "\n".join(lines)
