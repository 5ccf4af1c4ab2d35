"""Private calendar feeds: a signed token names the user, the group and the link's
generation, so a calendar app can subscribe without a session. The feed answers only while
that user may still see the group, the generation is the current one and the link has not
expired (meetings.models.CalendarFeed); revoking the role ends the feed, renewing the link
ends every older one. It holds meeting times and places, never people."""

from django.core import signing

SALT = "stetapp.meetings.feed.v2"
# Links made before links could expire or be renewed (signing.dumps, with a time stamp and
# no generation). They count as generation 0: they work until the expiry of the person's
# first CalendarFeed row, which is made when the link is next used or shown.
LEGACY_SALT = "stetapp.meetings.feed"


def feed_token(*, user, group, generation: int = 0) -> str:
    """The link's token; the same for the same user, group and generation."""
    return signing.Signer(salt=SALT).sign_object(
        {"u": user.pk, "g": group.pk, "n": generation}, compress=True
    )


def feed_resolve(token: str) -> tuple[int, int, int] | None:
    """(user id, group id, generation) for a genuine token, else None."""
    try:
        data = signing.Signer(salt=SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError):
        try:
            data = signing.loads(token, salt=LEGACY_SALT)
        except (signing.BadSignature, ValueError, TypeError):
            return None
    try:
        return int(data["u"]), int(data["g"]), int(data.get("n", 0))
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
