"""What the load run computes without locust or Django: source addresses, TOTP codes,
percentiles and the report (tests/load/test_common.py)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
import struct
import time
from dataclasses import dataclass

# How many loopback source addresses the virtual users are spread over: allauth counts
# failed sign-ins per address (settings ACCOUNT_RATE_LIMITS, 20 a minute), and the run
# measures pages, not that limit.
ADDRESSES = 16


def source_address(index: int, count: int = ADDRESSES) -> str:
    """The loopback address virtual user `index` sends from: 127.0.0.1 … 127.0.0.`count`,
    round robin (all of 127.0.0.0/8 is the loopback interface on Linux)."""
    if not 1 <= count <= 254:
        raise ValueError("count must be from 1 to 254")
    return f"127.0.0.{1 + index % count}"


def totp_code(secret: str, *, now: float | None = None, period: int = 30, digits: int = 6) -> str:
    """The authenticator app's code (RFC 6238, SHA-1) for a base32 `secret`, as allauth
    checks it (allauth.mfa.totp.internal.auth)."""
    counter = int((time.time() if now is None else now) // period)
    key = base64.b32decode(secret.encode("ascii"), casefold=True)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10**digits:0{digits}d}"


def seconds_to_fresh_code(
    *, now: float | None = None, period: int = 30, margin: float = 20
) -> float:
    """How long to wait before typing the code: 0 while the current code has more than
    `margin` seconds left, else until the next code shows (plus half a second). allauth
    accepts only the current code (MFA_TOTP_TOLERANCE 0), so a code sent in its last
    seconds fails when the server is slow; a person waits for the next one too."""
    left = period - (time.time() if now is None else now) % period
    return 0.0 if left > margin else left + 0.5


def percentile(values: list[float], q: float) -> float:
    """The nearest-rank percentile `q` (0 < q <= 100) of `values`: the smallest value
    with at least q % of the values at or below it."""
    if not values:
        raise ValueError("no values")
    if not 0 < q <= 100:
        raise ValueError("q must be in (0, 100]")
    ordered = sorted(values)
    return ordered[max(1, math.ceil(q / 100 * len(ordered))) - 1]


@dataclass(frozen=True)
class Row:
    name: str
    requests: int
    errors: int
    p50: float
    p95: float
    p99: float


SIGN_IN = "sign-in"


def summarise(times: dict[str, list[float]], errors: dict[str, int]) -> list[Row]:
    """One row per page type (sorted by name), then "pages" (every type but the sign-in
    steps: password hashing is slow on purpose and happens once per user) and last "all":
    request count, error count and p50/p95/p99 in milliseconds (0 without timings)."""
    rows = []
    pages: list[float] = []
    everything: list[float] = []
    for name in sorted(set(times) | set(errors)):
        values = times.get(name, [])
        everything += values
        if not name.startswith(SIGN_IN):
            pages += values
        rows.append(_row(name, values, errors.get(name, 0)))
    page_errors = sum(n for name, n in errors.items() if not name.startswith(SIGN_IN))
    rows.append(_row("pages", pages, page_errors))
    rows.append(_row("all", everything, sum(errors.values())))
    return rows


def _row(name: str, values: list[float], errors: int) -> Row:
    if not values:
        return Row(name, 0, errors, 0.0, 0.0, 0.0)
    return Row(
        name,
        len(values),
        errors,
        percentile(values, 50),
        percentile(values, 95),
        percentile(values, 99),
    )


def table(rows: list[Row]) -> str:
    """The rows as a fixed-width text table (milliseconds, rounded)."""
    width = max([len("page"), *(len(r.name) for r in rows)])
    lines = [
        f"{'page':<{width}}  {'requests':>8}  {'errors':>6}  {'p50':>6}  {'p95':>6}  {'p99':>6}"
    ]
    for r in rows:
        lines.append(
            f"{r.name:<{width}}  {r.requests:>8}  {r.errors:>6}  "
            f"{r.p50:>6.0f}  {r.p95:>6.0f}  {r.p99:>6.0f}"
        )
    return "\n".join(lines)
