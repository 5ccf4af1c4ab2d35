"""The register of processing cannot drift from the models (issue 11, item 7): every
stored field is declared, as personal data or as plain data, and nothing else is."""

import io

import openpyxl
import pytest
from django.core.management import call_command
from django.db import models

from participants.models import Participant
from privacy.register import (
    FRAMEWORK_APPS,
    REGISTER,
    SPECIAL_CATEGORIES,
    Category,
    ModelDeclaration,
    Personal,
    covered_models,
    declaration_of,
    field_names,
    rows,
    special_fields,
)


def _undeclared() -> list[str]:
    missing = []
    for model in covered_models():
        declared = REGISTER.get(model._meta.label)
        if declared is None:
            missing.append(f"{model._meta.label} (whole model)")
            continue
        known = set(declared.personal) | declared.plain_fields
        missing += [f"{model._meta.label}.{n}" for n in sorted(field_names(model) - known)]
    return missing


def test_every_stored_field_is_declared():
    assert _undeclared() == []


def test_a_new_field_without_a_declaration_fails_the_check(monkeypatch):
    declared = REGISTER["participants.Participant"]
    smaller = ModelDeclaration(
        subject=declared.subject,
        personal={k: v for k, v in declared.personal.items() if k != "phone"},
        plain=declared.plain,
    )
    monkeypatch.setitem(REGISTER, "participants.Participant", smaller)
    assert _undeclared() == ["participants.Participant.phone"]


def test_declarations_name_only_fields_that_exist():
    labels = {model._meta.label: model for model in covered_models()}
    stale = []
    for label, declared in REGISTER.items():
        model = labels.get(label)
        if model is None:
            stale.append(label)
            continue
        names = set(declared.personal) | declared.plain_fields
        stale += [f"{label}.{n}" for n in sorted(names - field_names(model))]
        both = set(declared.personal) & declared.plain_fields
        stale += [f"{label}.{n} (personal and plain)" for n in sorted(both)]
    assert stale == []


def test_framework_tables_hold_nothing_about_people():
    from django.apps import apps

    for app in FRAMEWORK_APPS:
        for model in apps.get_app_config(app).get_models():
            text = [
                f.name
                for f in model._meta.get_fields()
                if f.concrete and isinstance(f, models.TextField | models.EmailField)
            ]
            assert text == [], f"{model._meta.label} gained free text: declare it"


def test_special_categories_are_the_three_of_article_9():
    assert {Category.ORIGIN, Category.RELIGION, Category.HEALTH} == SPECIAL_CATEGORIES


def test_the_participant_fields_the_law_calls_special():
    assert {
        "religion",
        "health_notes",
        "confidential_notes",
        "community",
        "country_of_origin",
    } == special_fields(Participant)


def test_questionnaire_answers_and_story_texts_are_special():
    from reporting.models import Administration, Story

    assert "answers" in special_fields(Administration)
    assert {"text", "translation"} <= special_fields(Story)


def test_coordinators_and_funders_see_no_participant_field():
    from groups.roles import Role

    for label, declared in REGISTER.items():
        if declared.subject != "participant":
            continue
        for name, personal in declared.personal.items():
            assert Role.FUNDER not in personal.seen_by, f"{label}.{name}"
            assert Role.PROGRAMME_COORDINATOR not in personal.seen_by, f"{label}.{name}"


def test_declaration_of_tells_personal_plain_and_unknown():
    assert isinstance(declaration_of(Participant, "full_name"), Personal)
    assert declaration_of(Participant, "version") is None
    with pytest.raises(KeyError):
        declaration_of(Participant, "shoe_size")


def test_models_outside_the_register_have_no_special_fields():
    from django.contrib.auth.models import Permission

    assert special_fields(Permission) == frozenset()


def test_rows_are_translated_and_ordered(english):
    listed = rows()
    assert len(listed) == sum(len(d.personal) for d in REGISTER.values())
    religion = next(r for r in listed if r.field == "religion")
    assert religion.special is True
    assert religion.category == "religion"
    assert religion.model == "participant"
    assert "facilitator" in religion.seen_by and "funder" not in religion.seen_by


def test_the_command_writes_the_register_as_a_workbook(tmp_path, english):
    out = tmp_path / "register.xlsx"
    stdout = io.StringIO()
    call_command("privacy_register", "-o", str(out), "--language", "en", stdout=stdout)
    sheet = openpyxl.load_workbook(out).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "Record"
    assert len(values) == 1 + len(rows())
    names = {(row[0], row[1]) for row in values[1:]}
    assert ("participant", "health_notes") in names
    assert str(len(rows())) in stdout.getvalue()
