"""`get_FOO_display()` keeps its answers while it looks labels up (stetapp/choices.py)."""

from functools import partialmethod

import pytest
from django.apps import apps
from django.db import models
from django.test.utils import isolate_apps
from django.utils import translation

from groups.models import Group
from stetapp.choices import _display, install_choice_labels


def _choice_fields():
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.get_fields(include_parents=False):
            if isinstance(field, models.Field) and field.choices:
                yield model, field


def test_every_field_with_choices_answers_as_django_does_in_both_languages():
    checked = 0
    for model, field in _choice_fields():
        display = getattr(model, f"get_{field.name}_display")
        values = [value for value, _label in field.flatchoices] + ["not-a-choice", None]
        for language in ("nl", "en"):
            with translation.override(language):
                for value in values:
                    instance = model()
                    setattr(instance, field.attname, value)
                    ours = display(instance)
                    theirs = models.Model._get_FIELD_display(instance, field)
                    assert ours == theirs, (model, field.name, value, language)
                    assert type(ours) is type(theirs)
                    checked += 1
    assert checked > 400


def test_the_generated_methods_are_replaced_and_own_ones_kept():
    method = Group.__dict__["get_status_display"]
    assert isinstance(method, partialmethod)
    assert method.func is _display


@isolate_apps("stetapp")
def test_a_method_the_model_defines_itself_is_left_alone():
    class Own(models.Model):
        status = models.CharField(max_length=5, choices=[("a", "A")])
        kind = models.CharField(max_length=5, choices=[("b", "B")])

        class Meta:
            app_label = "stetapp"

        def __str__(self):
            return self.status

        def get_status_display(self):
            return "mine"

    install_choice_labels([Own])
    assert Own(status="a").get_status_display() == "mine"
    assert Own.__dict__["get_kind_display"].func is _display
    assert Own(kind="b").get_kind_display() == "B"


@pytest.mark.parametrize(("language", "label"), [("nl", "loopt"), ("en", "running")])
def test_the_label_follows_the_language_of_the_moment(language, label):
    group = Group(status="running")
    with translation.override(language):
        assert group.get_status_display() == label


def test_an_unhashable_value_falls_back_to_djangos_way():
    group = Group(status=["running"])
    field = Group._meta.get_field("status")
    assert group.get_status_display() == models.Model._get_FIELD_display(group, field)
