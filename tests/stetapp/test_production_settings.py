"""T1 of the security test plan (docs/deployment.md): the production settings pass
`check --deploy` with no warning.

The production settings read their secrets from the environment when they are imported, so
every check that loads them runs in a subprocess with an environment built here from
scratch: nothing from the developer's shell or from pytest's DJANGO_SETTINGS_MODULE leaks
in. The project root is derived from this file's location, so the tests work from any
checkout.
"""

import os
import secrets
import string
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import checks
from django.test import override_settings

from stetapp.checks import shared_cache_check, trusted_proxy_check

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = "stetapp.settings.production"
ALPHABET = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"


def _dotenv_defines(name: str) -> bool:
    """True when the project's .env sets `name` (base.py reads .env without overwriting)."""
    dotenv = PROJECT_ROOT / ".env"
    if not dotenv.is_file():
        return False
    for line in dotenv.read_text(encoding="utf-8").splitlines():
        key = line.strip().removeprefix("export ").split("=", 1)[0].strip()
        if key == name and "=" in line:
            return True
    return False


def random_secret(length: int = 60) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


@pytest.fixture
def prod_env(tmp_path) -> dict[str, str]:
    """A complete, valid production environment (and nothing else)."""
    return {
        "PATH": os.environ.get("PATH", ""),
        "LANG": "C.UTF-8",
        "DJANGO_SECRET_KEY": random_secret(),
        "DJANGO_ALLOWED_HOSTS": "stetapp.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy-check.sqlite3'}",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
    }


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 (our own interpreter and arguments)
        [sys.executable, *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def manage(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return run(["manage.py", *args, f"--settings={PRODUCTION}"], env)


def production_setting(expression: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """Print `expression` evaluated against the production settings."""
    code = f"import django; from django.conf import settings; django.setup(); print({expression})"
    return run(["-c", code], {**env, "DJANGO_SETTINGS_MODULE": PRODUCTION})


def output(result: subprocess.CompletedProcess) -> str:
    return f"exit code {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"


# --- T1: check --deploy ----------------------------------------------------------------


def test_deploy_check_passes_with_no_warning(prod_env):
    result = manage(["check", "--deploy", "--fail-level", "WARNING"], prod_env)
    assert result.returncode == 0, output(result)
    assert "no issues" in result.stdout, output(result)


def test_deploy_check_passes_with_the_database_cache(prod_env):
    """Without Redis the database cache is a valid shared cache, so no stetapp.W001."""
    env = {**prod_env, "REDIS_URL": ""}
    result = manage(["check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode == 0, output(result)


# --- secrets ---------------------------------------------------------------------------


@pytest.mark.skipif(
    _dotenv_defines("DJANGO_SECRET_KEY"),
    reason="the project's .env sets DJANGO_SECRET_KEY, so it cannot be left out here",
)
def test_production_settings_refuse_to_load_without_a_secret_key(prod_env):
    env = {k: v for k, v in prod_env.items() if k != "DJANGO_SECRET_KEY"}
    result = manage(["check"], env)
    assert result.returncode != 0, output(result)
    assert "DJANGO_SECRET_KEY" in result.stderr, output(result)


def test_production_settings_refuse_a_short_secret_key(prod_env):
    env = {**prod_env, "DJANGO_SECRET_KEY": random_secret(49)}
    result = manage(["check"], env)
    assert result.returncode != 0, output(result)
    assert "DJANGO_SECRET_KEY" in result.stderr, output(result)
    assert "50" in result.stderr, output(result)


@pytest.mark.skipif(
    _dotenv_defines("DJANGO_ALLOWED_HOSTS"),
    reason="the project's .env sets DJANGO_ALLOWED_HOSTS, so it cannot be left out here",
)
def test_production_settings_refuse_to_load_without_allowed_hosts(prod_env):
    env = {k: v for k, v in prod_env.items() if k != "DJANGO_ALLOWED_HOSTS"}
    result = manage(["check"], env)
    assert result.returncode != 0, output(result)
    assert "DJANGO_ALLOWED_HOSTS" in result.stderr, output(result)


# --- the shared cache ------------------------------------------------------------------


def test_without_redis_the_cache_is_the_database_cache(prod_env):
    # An empty value (rather than leaving the variable out) also keeps a REDIS_URL in the
    # project's .env from being read.
    env = {**prod_env, "REDIS_URL": ""}
    result = production_setting("settings.CACHES['default']['BACKEND']", env)
    assert result.returncode == 0, output(result)
    assert result.stdout.strip() == "django.core.cache.backends.db.DatabaseCache", output(result)


def test_with_redis_the_cache_is_redis(prod_env):
    result = production_setting("settings.CACHES['default']['LOCATION']", prod_env)
    assert result.returncode == 0, output(result)
    assert result.stdout.strip() == prod_env["REDIS_URL"], output(result)


@pytest.mark.parametrize(
    "backend",
    [
        "django.core.cache.backends.locmem.LocMemCache",
        "django.core.cache.backends.dummy.DummyCache",
    ],
)
def test_shared_cache_check_warns_about_a_per_process_cache(backend):
    with override_settings(CACHES={"default": {"BACKEND": backend}}):
        messages = shared_cache_check(None)
    assert [m.id for m in messages] == ["stetapp.W001"]
    assert messages[0].level == checks.WARNING


@pytest.mark.parametrize(
    "cache",
    [
        {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "stetapp_cache"},
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/0",
        },
    ],
)
def test_shared_cache_check_accepts_a_shared_cache(cache):
    with override_settings(CACHES={"default": cache}):
        assert shared_cache_check(None) == []


def test_shared_cache_check_runs_only_with_deploy():
    assert shared_cache_check in checks.registry.registry.get_checks(include_deployment_checks=True)
    assert shared_cache_check not in checks.registry.registry.get_checks(
        include_deployment_checks=False
    )


# --- the client address behind the proxy (sign-in limits) -------------------------------


@pytest.mark.skipif(
    _dotenv_defines("ALLAUTH_TRUSTED_PROXY_COUNT"),
    reason="the project's .env sets ALLAUTH_TRUSTED_PROXY_COUNT",
)
def test_production_trusts_one_proxy_by_default(prod_env):
    result = production_setting("settings.ALLAUTH_TRUSTED_PROXY_COUNT", prod_env)
    assert result.returncode == 0, output(result)
    assert result.stdout.strip() == "1", output(result)


def test_deploy_check_fails_when_no_proxy_is_trusted(prod_env):
    env = {**prod_env, "ALLAUTH_TRUSTED_PROXY_COUNT": "0"}
    result = manage(["check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode != 0, output(result)
    assert "stetapp.W002" in result.stderr + result.stdout, output(result)


@pytest.mark.parametrize(
    "overrides, warns",
    [
        ({"ALLAUTH_TRUSTED_PROXY_COUNT": 0}, True),
        ({"ALLAUTH_TRUSTED_PROXY_COUNT": 1}, False),
        ({"ALLAUTH_TRUSTED_PROXY_COUNT": 2}, False),
        (
            {"ALLAUTH_TRUSTED_PROXY_COUNT": 0, "ALLAUTH_TRUSTED_CLIENT_IP_HEADER": "X-Real-IP"},
            False,
        ),
    ],
)
def test_trusted_proxy_check(overrides, warns):
    with override_settings(**overrides):
        assert [w.id for w in trusted_proxy_check(None)] == (["stetapp.W002"] if warns else [])


# --- database connections (docs/decisions.md, persistent connections) ------------------


def test_production_reuses_database_connections_and_checks_them(prod_env):
    result = production_setting(
        "settings.DATABASES['default']['CONN_MAX_AGE'],"
        " settings.DATABASES['default']['CONN_HEALTH_CHECKS']",
        prod_env,
    )
    assert result.returncode == 0, output(result)
    assert result.stdout.strip() == "60 True", output(result)


def test_connection_age_comes_from_the_environment(prod_env):
    env = {**prod_env, "DJANGO_CONN_MAX_AGE": "0"}
    result = production_setting("settings.DATABASES['default']['CONN_MAX_AGE']", env)
    assert result.returncode == 0, output(result)
    assert result.stdout.strip() == "0", output(result)


def test_health_probes_are_exempt_from_the_https_redirect(prod_env):
    """Probes inside the network may ask over plain HTTP (docs/deployment.md)."""
    code = (
        "import re; from django.conf import settings; "
        "print(all(any(re.search(p, path) for p in settings.SECURE_REDIRECT_EXEMPT) "
        "for path in ('healthz', 'readyz')), "
        "any(re.search(p, 'home') for p in settings.SECURE_REDIRECT_EXEMPT))"
    )
    result = production_setting(f"exec({code!r}) or ''", prod_env)
    assert result.returncode == 0, output(result)
    assert result.stdout.strip().splitlines()[0] == "True False", output(result)


# --- error reports (stetapp/sentry.py) --------------------------------------------------


def test_error_reports_are_off_without_a_dsn(prod_env):
    env = {**prod_env, "SENTRY_DSN": ""}
    result = production_setting("__import__('sentry_sdk').get_client().is_active()", env)
    assert result.returncode == 0, output(result)
    assert result.stdout.strip() == "False", output(result)


def test_a_dsn_switches_scrubbed_error_reports_on(prod_env):
    env = {**prod_env, "SENTRY_DSN": "https://public@sentry.invalid/1"}
    expression = (
        "(lambda o: (o['before_send'].__module__, o['data_collection']['user_info'],"
        " o['environment']))(__import__('sentry_sdk').get_client().options)"
    )
    result = production_setting(expression, env)
    assert result.returncode == 0, output(result)
    assert result.stdout.strip() == "('stetapp.sentry', False, 'production')", output(result)
