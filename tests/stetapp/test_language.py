"""Dutch by default; each user picks their language (issue: foundation, items 2 and 7)."""

from django.urls import reverse

from tests.factories import UserFactory


def test_anonymous_visitor_gets_dutch(db, client):
    body = client.get(reverse("account_login")).content.decode()
    assert '<html lang="nl">' in body


def test_user_language_is_used_after_sign_in(world):
    world.users["lead_a"].language = "nl"
    world.users["lead_a"].save(update_fields=["language"])
    body = world.client_for("lead_a").get(reverse("home")).content.decode()
    assert '<html lang="nl">' in body


def test_switching_language_is_kept_on_the_account(world):
    client = world.client_for("lead_a")
    response = client.post(reverse("set_language"), {"language": "nl", "next": "/groups/"})
    assert response.status_code == 302
    assert response["Location"] == "/groups/"
    world.users["lead_a"].refresh_from_db()
    assert world.users["lead_a"].language == "nl"
    assert '<html lang="nl">' in client.get(reverse("home")).content.decode()


def test_unknown_language_falls_back_to_dutch(db, client):
    user = UserFactory(language="en")
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "xx"})
    user.refresh_from_db()
    assert user.language == "nl"


def test_next_to_another_site_is_ignored(db, client):
    response = client.post(
        reverse("set_language"), {"language": "en", "next": "https://evil.example.com/"}
    )
    assert response["Location"] == "/"


def test_dates_follow_the_language(world):
    import datetime as dt

    world.group_a1.start_date = dt.date(2025, 3, 14)
    world.group_a1.save(update_fields=["start_date"])
    url = reverse("group_detail", kwargs={"pk": world.group_a1.pk})
    client = world.client_for("lead_a")
    assert "March 14, 2025" in client.get(url).content.decode()
    client.post(reverse("set_language"), {"language": "nl"})
    assert "14 maart 2025" in client.get(url).content.decode()
