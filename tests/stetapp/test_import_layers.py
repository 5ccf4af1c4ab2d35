"""Dependencies point one way (docs/decisions.md, decision 30).

`groups/` imports no phase app; a phase imports `groups/`, `stetapp/` and earlier phases
only (funding → participants → meetings → reporting); the pages that compose sections of
several phases live in `pages/`; synthetic data (`synthetic/`) may use everything and
nothing imports it. Every import is checked, also those inside functions. An exception
is allowed only when it is listed below with its reason.
"""

import ast
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)

# Each package and the packages it may import (besides itself).
ALLOWED = {
    "stetapp": {"groups"},
    "groups": {"stetapp"},
    "funding": {"stetapp", "groups"},
    "participants": {"stetapp", "groups", "funding"},
    "meetings": {"stetapp", "groups", "funding", "participants"},
    "reporting": {"stetapp", "groups", "funding", "participants", "meetings"},
    "pages": {"stetapp", "groups", "funding", "participants", "meetings", "reporting"},
    "synthetic": {
        "stetapp",
        "groups",
        "funding",
        "participants",
        "meetings",
        "reporting",
        "pages",
    },
}
PACKAGES = set(ALLOWED)

# (importing module, imported package) → why it is allowed.
EXCEPTIONS = {
    # funding comes before meetings, but an expense may name the meeting it was made for
    # and a need may point to a meeting (foreign keys given as strings in funding.models),
    # and the funding pages count the meetings held against a grant's condition.
    ("funding.forms_money", "meetings"): "the expense form offers the group's meetings",
    ("funding.services", "meetings"): (
        "types only: an expense and volunteer hours may name the meeting they were for"
    ),
    ("funding.forms_readiness", "meetings"): "a signalled need may point to a meeting",
    ("funding.selectors", "meetings"): (
        "the budget pages count held meetings (meetings.models.MeetingQuerySet.held)"
    ),
}


def _modules():
    for package in sorted(PACKAGES):
        base = ROOT / package
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*.py")):
            if "migrations" in path.parts:
                continue
            module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            yield package, module.removesuffix(".__init__"), path


def _imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found.update(name.split(".")[0] for name in names)
    return found & PACKAGES


def _violations():
    found = []
    for package, module, path in _modules():
        for imported in sorted(_imported_packages(path) - {package}):
            if imported in ALLOWED[package]:
                continue
            if any(
                module == source or module.startswith(source + ".")
                for (source, target) in EXCEPTIONS
                if target == imported
            ):
                continue
            found.append(f"{module} imports {imported}")
    return found


def test_dependencies_point_one_way():
    assert _violations() == []


def test_every_exception_is_still_needed():
    """An exception that no module uses any more is removed from the list."""
    used = set()
    for package, module, path in _modules():
        for imported in _imported_packages(path) - {package} - ALLOWED[package]:
            used.update(
                (source, target)
                for (source, target) in EXCEPTIONS
                if target == imported and (module == source or module.startswith(source + "."))
            )
    assert set(EXCEPTIONS) - used == set()


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from meetings.models import Meeting\n", {"meetings"}),
        ("def f():\n    from reporting import report\n", {"reporting"}),
        ("import participants.selectors as p\n", {"participants"}),
        ("from .models import Group\n", set()),
        ("from django.db import models\n", set()),
    ],
)
def test_the_check_sees_every_kind_of_import(tmp_path, source, expected):
    path = tmp_path / "module.py"
    path.write_text(source, encoding="utf-8")
    assert _imported_packages(path) == expected
