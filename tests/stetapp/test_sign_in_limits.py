"""Sign-in limits per client address behind the proxy (issue 15, item 0).

All requests reach the app from the proxy, which appends the client's address to
X-Forwarded-For. With ALLAUTH_TRUSTED_PROXY_COUNT at 1, as the production settings and the
Compose file set it, the limit of 20 failed sign-ins a minute counts per client: one
person's failures do not block another, and an entry the client adds to the header itself
does not help it escape. The unknown-account e-mail is off: a password reset for an address
without an account sends nothing and looks the same as one for a known address.
"""

import re
from pathlib import Path

import pytest
import yaml
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PROXY = "172.18.0.1"  # what REMOTE_ADDR is for every request: Docker's gateway
CLIENT_A = "203.0.113.7"
CLIENT_B = "198.51.100.23"
PER_ADDRESS = 20  # "20/m/ip" in ACCOUNT_RATE_LIMITS
PASSWORD = "a-long-test-password"
TOO_MANY = "Too many failed login attempts"


@pytest.fixture(autouse=True)
def _clean_counters(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    cache.clear()
    yield
    cache.clear()


def _sign_in(client, email, password, forwarded_for):
    """A sign-in as the proxy passes it on: from the proxy, with X-Forwarded-For."""
    return client.post(
        reverse("account_login"),
        {"login": email, "password": password},
        headers={"accept-language": "en", "x-forwarded-for": forwarded_for},
        REMOTE_ADDR=PROXY,
    )


def _fail_from(client, forwarded_for, count=PER_ADDRESS):
    # A different unknown account each time, so the per-account limit (5) never applies:
    # only the per-address one does.
    for i in range(count):
        response = _sign_in(client, f"nobody{i}@example.org", "wrong-password", forwarded_for)
        assert response.status_code == 200
        assert TOO_MANY not in response.content.decode()


def test_failed_sign_ins_from_one_client_do_not_block_another(world, client, django_user_model):
    _fail_from(client, CLIENT_A)
    blocked = _sign_in(client, "lead.a@example.org", PASSWORD, CLIENT_A)
    assert blocked.status_code == 200
    assert TOO_MANY in blocked.content.decode()

    other = django_user_model.objects.get(email="facilitator.a1@example.org")
    assert other.is_active
    elsewhere = _sign_in(Client(), "facilitator.a1@example.org", PASSWORD, CLIENT_B)
    assert elsewhere.status_code == 302
    assert elsewhere["Location"] == reverse("home")


def test_an_entry_added_by_the_client_does_not_escape_the_limit(world, client):
    # The client sends its own X-Forwarded-For with a new made-up address each time; the
    # proxy appends the real one. Only the right-most entry counts.
    for i in range(PER_ADDRESS):
        response = _sign_in(
            client, f"nobody{i}@example.org", "wrong-password", f"10.0.0.{i}, {CLIENT_A}"
        )
        assert TOO_MANY not in response.content.decode()
    blocked = _sign_in(client, "lead.a@example.org", PASSWORD, f"10.9.9.9, {CLIENT_A}")
    assert TOO_MANY in blocked.content.decode()


def test_without_trusting_the_proxy_everyone_shares_one_address(world, client, settings):
    """What the audit saw (the count at 0): the limit then blocks a second client too."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    _fail_from(client, CLIENT_A)
    elsewhere = _sign_in(Client(), "facilitator.a1@example.org", PASSWORD, CLIENT_B)
    assert TOO_MANY in elsewhere.content.decode()


def test_the_compose_file_trusts_one_proxy():
    compose = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    value = compose["services"]["web"]["environment"]["ALLAUTH_TRUSTED_PROXY_COUNT"]
    assert value == "${ALLAUTH_TRUSTED_PROXY_COUNT:-1}"


# --- no mail to addresses without an account -------------------------------------------


def test_a_reset_for_an_unknown_address_sends_no_mail(world, client):
    mail.outbox.clear()
    url = reverse("account_reset_password")
    unknown = client.post(url, {"email": "stranger@example.com"}, headers={"accept-language": "en"})
    assert mail.outbox == []
    known = client.post(url, {"email": "lead.a@example.org"}, headers={"accept-language": "en"})
    assert [m.to for m in mail.outbox] == [["lead.a@example.org"]]
    # The answer is the same either way: nobody learns whether an account exists.
    assert unknown.status_code == known.status_code == 302
    assert unknown["Location"] == known["Location"]
    done_unknown = client.get(unknown["Location"], headers={"accept-language": "en"})
    done_known = client.get(known["Location"], headers={"accept-language": "en"})
    assert _without_csrf(done_unknown) == _without_csrf(done_known)


def _without_csrf(response) -> str:
    """The page's text with the (per-response) CSRF token masked."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
