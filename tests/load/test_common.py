"""The load run's own arithmetic (load/common.py, load/run.py): who sends from which
address, the authenticator code, the percentiles and the report."""

from __future__ import annotations

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

from load.common import (
    percentile,
    seconds_to_fresh_code,
    source_address,
    summarise,
    table,
    totp_code,
)
from load.run import database_urls, warm_up_seconds


def test_users_are_spread_round_robin_over_loopback_addresses():
    addresses = [source_address(i, 4) for i in range(10)]
    assert addresses[:5] == ["127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.1"]
    # 100 users over 16 addresses: at most 7 from one address, far below 20 a minute.
    spread = [source_address(i) for i in range(100)]
    assert len(set(spread)) == 16
    assert max(spread.count(a) for a in set(spread)) == 7


@pytest.mark.parametrize("count", [0, 255])
def test_address_count_stays_within_one_loopback_octet(count):
    with pytest.raises(ValueError):
        source_address(0, count)


def test_totp_code_is_the_one_allauth_accepts():
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    for now in (0, 59, 1_700_000_000, 2_000_000_029):
        assert totp_code(secret, now=now) == format_hotp_value(hotp_value(secret, now // 30))


def test_a_code_about_to_expire_is_not_typed():
    assert seconds_to_fresh_code(now=3000) == 0  # a new code: 30 s left
    assert seconds_to_fresh_code(now=3009.5) == 0  # 20.5 s left
    assert seconds_to_fresh_code(now=3010) == 20.5  # 20 s left: wait for the next one
    assert seconds_to_fresh_code(now=3029.9) == pytest.approx(0.6)


def test_percentile_is_nearest_rank():
    values = list(range(100, 0, -1))  # 1 … 100, unsorted
    assert percentile(values, 50) == 50
    assert percentile(values, 95) == 95
    assert percentile(values, 99) == 99
    assert percentile(values, 100) == 100
    assert percentile([7.0], 99) == 7.0
    assert percentile([1, 2, 3], 50) == 2


@pytest.mark.parametrize(("values", "q"), [([], 50), ([1], 0), ([1], 101)])
def test_percentile_refuses_what_has_no_answer(values, q):
    with pytest.raises(ValueError):
        percentile(values, q)


def test_summary_rows_per_page_then_pages_without_sign_in_then_all():
    rows = summarise(
        {"sign-in": [900.0, 1100.0], "home": [10.0, 20.0, 30.0], "list": [5.0]},
        {"list": 2, "sign-in code": 1},
    )
    by_name = {r.name: r for r in rows}
    assert [r.name for r in rows] == ["home", "list", "sign-in", "sign-in code", "pages", "all"]
    assert (by_name["home"].requests, by_name["home"].p50, by_name["home"].p99) == (3, 20, 30)
    assert (by_name["sign-in code"].requests, by_name["sign-in code"].errors) == (0, 1)
    assert (by_name["pages"].requests, by_name["pages"].errors, by_name["pages"].p95) == (4, 2, 30)
    assert (by_name["all"].requests, by_name["all"].errors, by_name["all"].p99) == (6, 3, 1100)
    text = table(rows)
    assert text.splitlines()[0].split() == ["page", "requests", "errors", "p50", "p95", "p99"]
    assert text.splitlines()[-1].split() == ["all", "6", "3", "20", "1100", "1100"]


def test_load_database_lives_on_the_configured_postgresql_server(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://ci@db.example:5433/stetapp")
    assert database_urls("stetapp_load") == (
        "postgres://ci@db.example:5433/postgres",
        "postgres://ci@db.example:5433/stetapp_load",
    )
    monkeypatch.setenv("DATABASE_URL", "sqlite:///db.sqlite3")
    assert database_urls("x") == (
        "postgres://postgres@127.0.0.1:5432/postgres",
        "postgres://postgres@127.0.0.1:5432/x",
    )


def test_pages_are_measured_once_the_last_user_can_have_signed_in():
    assert warm_up_seconds(100, 1.0) == 100 + 45
    assert warm_up_seconds(20, 4.0) == 5 + 29
