"""What the import commands share: the language of their messages and how they report a
result, so that a command speaks one language from its first line to its last."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.management.base import CommandError
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _


def add_language_argument(parser) -> None:
    parser.add_argument(
        "--language",
        choices=[code for code, _name in settings.LANGUAGES],
        default=None,
        help="The language of the messages (default: the site's language).",
    )


def language_of(options_language: str | None) -> str:
    """--language, else the active language (the site's language when none is active)."""
    return options_language or get_language() or settings.LANGUAGE_CODE


def nothing_imported(exc: Exception) -> CommandError:
    """The file as a whole could not be used."""
    return CommandError(_("%(error)s Nothing was imported.") % {"error": exc})


def report(command, result, *, imported: Callable[[int], str]) -> None:
    """Write each row error and fail, or write `imported(count)`: how many were imported,
    in the active language."""
    if not result.ok:
        for error in result.errors:
            command.stderr.write(str(error))
        count = len(result.errors)
        raise CommandError(
            ngettext(
                "%(count)d row has an error; nothing was imported.",
                "%(count)d rows have errors; nothing was imported.",
                count,
            )
            % {"count": count}
        )
    command.stdout.write(command.style.SUCCESS(imported(len(result.created))))
