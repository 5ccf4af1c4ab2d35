"""Small assertions shared by tests of several apps."""

import re

from django.urls import resolve

from groups.services import invitation_token_generator


def assert_invitation_link(body: str, user, base_url: str) -> None:
    """The e-mail holds an invitation link on `base_url` for `user` whose token is valid.

    Tokens carry a time stamp in seconds, so the link is checked, not recomputed (a
    recomputed token differs when the clock passed a second in between)."""
    match = re.search(re.escape(base_url) + r"(/invitation/[\w-]+/[\w-]+/)", body)
    assert match, f"no invitation link on {base_url} in:\n{body}"
    kwargs = resolve(match.group(1)).kwargs
    assert invitation_token_generator.check_token(user, kwargs["token"])
