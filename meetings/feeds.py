"""Private calendar feeds: a signed token names the user and the group, so a calendar app
can subscribe without a session. The feed answers only while that user may still see the
group; revoking the role ends the feed. It holds meeting times and places, never people."""

from django.core import signing

SALT = "stetapp.meetings.feed"


def feed_token(*, user, group) -> str:
    return signing.dumps({"u": user.pk, "g": group.pk}, salt=SALT, compress=True)


def feed_resolve(token: str) -> tuple[int, int] | None:
    """(user id, group id) for a genuine token, else None."""
    try:
        data = signing.loads(token, salt=SALT)
        return int(data["u"]), int(data["g"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
