"""factory_boy factories shared by every app's tests."""

import factory
from django.contrib.auth import get_user_model

from funding.models import Fund
from groups.models import (
    City,
    Composition,
    Group,
    GroupStatus,
    Membership,
    Organisation,
    Programme,
    Role,
    Venue,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["email"]

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Test Person {n}")
    password = factory.django.Password("a-long-test-password")
    language = "en"


def city(code: str = "GM0599") -> City:
    """Cities come from the data migration; tests use the real ones."""
    return City.objects.get(cbs_code=code)


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    name = factory.Sequence(lambda n: f"Programme {n}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    city = factory.LazyFunction(lambda: city("GM0599"))


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Community centre {n}")
    address = factory.Sequence(lambda n: f"Main street {n}")
    postcode = "3011 AB"
    city = factory.LazyAttribute(lambda o: o.organisation.city)
    closed_room = True


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Group

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Group {n}")
    city = factory.LazyAttribute(lambda o: o.organisation.city)
    community = "Turkish"
    composition = Composition.WOMEN
    status = GroupStatus.RUNNING
    languages = factory.LazyFunction(lambda: ["tr", "nl"])


class FundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Fund

    name = factory.Sequence(lambda n: f"Fund {n}")


def grant_role(user, role: str, scope) -> Membership:
    field = {Programme: "programme", Organisation: "organisation", Group: "group", Fund: "fund"}[
        type(scope)
    ]
    return Membership.objects.create(user=user, role=role, **{field: scope})


__all__ = [
    "FundFactory",
    "GroupFactory",
    "OrganisationFactory",
    "ProgrammeFactory",
    "Role",
    "UserFactory",
    "VenueFactory",
    "city",
    "grant_role",
]
