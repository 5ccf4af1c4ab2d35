"""The persona world is built once per test module (tests/conftest.py); these pin that
each test still starts from the world as built: what a test before it wrote to the
database or set on the Python objects is gone. The tests run in file order."""

import pytest

from groups.models import Group

pytestmark = pytest.mark.django_db

RENAMED = "Renamed by the test before"


def test_a_test_writes_to_the_world_and_its_objects(world):
    Group.objects.filter(pk=world.group_a1.pk).update(name=RENAMED)
    world.group_b1.name = RENAMED
    world.users["lead_a"].full_name = RENAMED
    world.users["facilitator_a1"].cached_by_the_test = True  # as access.py caches roles
    world.group_a2.delete()
    assert not Group.objects.filter(pk=world.group_a2.pk).exists()


def test_the_next_test_sees_none_of_it(world):
    assert Group.objects.get(pk=world.group_a1.pk).name == "Group A1"
    assert Group.objects.filter(pk=world.group_a2.pk).exists()
    assert world.group_a2.pk is not None
    assert world.group_a1.name == "Group A1"
    assert world.group_b1.name == "Group B1"
    assert world.users["lead_a"].full_name != RENAMED
    assert not hasattr(world.users["facilitator_a1"], "cached_by_the_test")
    assert world.batch_a.file.storage.exists(world.batch_a.file.name)


def test_a_test_without_the_world_sees_no_world():
    assert not Group.objects.exists()


def test_the_world_is_back_after_a_test_without_it(world):
    assert set(Group.objects.values_list("name", flat=True)) == {
        "Group A1",
        "Group A2",
        "Group B1",
    }


def test_a_deleted_batch_file_is_put_back_for_the_next_test(world):
    world.batch_a.file.delete(save=False)


def test_the_batch_file_is_back(world):
    file = world.batch_a.file
    assert file.storage.exists(file.name)
    with file.open("rb") as handle:
        assert handle.read(2) == b"PK"
