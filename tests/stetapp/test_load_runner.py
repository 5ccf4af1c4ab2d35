"""The load runner's report (load/run.py): locust's statistics per page type become the
p50/p95/p99 table, and errors are counted per page type, so `make load` and its CI smoke
fail on any."""

from load import run

STATS = "\n".join(
    [
        ",".join(
            [
                "Type",
                "Name",
                "Request Count",
                "Failure Count",
                "Median Response Time",
                "Average Response Time",
                "Min Response Time",
                "Max Response Time",
                "Average Content Size",
                "Requests/s",
                "Failures/s",
                "50%",
                "66%",
                "75%",
                "80%",
                "90%",
                "95%",
                "98%",
                "99%",
                "99.9%",
                "99.99%",
                "100%",
            ]
        ),
        "GET,facilitator: home,40,0,37,41.2,20,210,9000,1.33,0.0,"
        "37,40,44,50,70,110,180,210,210,210,210",
        "POST,facilitator: attendance tap,12,1,36,38.0,21,790,900,0.4,0.03,"
        "36,38,40,41,60,790,790,790,790,790,790",
        "GET,lead: groups,0,0,0,0,0,0,0,0.0,0.0,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A",
        ",Aggregated,52,1,37,40.0,20,790,7000,1.73,0.03,37,40,44,50,70,210,790,790,790,790,790",
        "",
    ]
)


def test_percentiles_per_page_type_and_errors(tmp_path):
    path = tmp_path / "locust_stats.csv"
    path.write_text(STATS)
    rows = run.percentiles(path)
    by_name = {r["name"]: r for r in rows}
    assert by_name["facilitator: home"] == {
        "name": "facilitator: home",
        "requests": 40,
        "failures": 0,
        "p50_ms": 37,
        "p95_ms": 110,
        "p99_ms": 210,
        "max_ms": 210,
        "rps": 1.33,
    }
    assert by_name["facilitator: attendance tap"]["failures"] == 1
    # A page type nobody reached has no percentiles, not a crash.
    assert by_name["lead: groups"]["p95_ms"] is None
    assert rows[-1]["name"] == "all requests"
    table = run.table(rows)
    assert "facilitator: attendance tap" in table.splitlines()[2]
    assert "p95 ms" in table.splitlines()[0]


def test_a_free_loopback_port():
    port = run.free_port()
    assert 1024 < port < 65536


def test_the_load_settings_are_production_over_plain_http(monkeypatch):
    """stetapp/settings/load.py differs from production only where loopback needs it: no
    TLS (no redirect, cookies without Secure), the connection's own address for the
    sign-in limits, no second factor; DEBUG stays off and connections stay persistent."""
    import importlib
    import sys

    monkeypatch.setenv("DJANGO_SECRET_KEY", "k" * 64)
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", "127.0.0.1")
    monkeypatch.delenv("REDIS_URL", raising=False)
    # Fresh modules, base included: production changes base's DATABASES in place, and the
    # running tests' settings hold that very dict.
    for name in ("stetapp.settings.load", "stetapp.settings.production", "stetapp.settings.base"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    load = importlib.import_module("stetapp.settings.load")
    assert load.DEBUG is False
    assert load.DATABASES["default"]["CONN_MAX_AGE"] == 60
    assert load.SECURE_SSL_REDIRECT is False
    assert load.SESSION_COOKIE_SECURE is False and load.CSRF_COOKIE_SECURE is False
    assert load.ALLAUTH_TRUSTED_PROXY_COUNT == 0
    assert load.STETAPP_MFA_REQUIRED_ROLES == []
    assert load.CACHES["default"]["BACKEND"].endswith("DatabaseCache")
    from django.conf import settings

    assert settings.DATABASES["default"]["CONN_MAX_AGE"] == 0
