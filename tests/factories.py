"""factory_boy factories shared by every app's tests."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import factory
from django.contrib.auth import get_user_model

from funding.models import (
    BudgetLine,
    CoverageLine,
    Expense,
    Fund,
    FundingApplication,
    Grant,
    Volunteer,
)
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
from meetings.models import AgreementText, CalendarEvent, GroupAgreement, Idea, Meeting
from participants.models import Consent, Enrolment, Participant, SocialService

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


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


# --- participants ---------------------------------------------------------------------


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    group = factory.SubFactory(GroupFactory)
    full_name = factory.Sequence(lambda n: f"Participant {n}")
    phone = factory.Sequence(lambda n: f"06 1234 {n:04d}")
    postcode = "3072 AB"
    birth_year = 1955
    gender = "woman"
    community = "Turkish"
    languages = factory.LazyFunction(lambda: ["tr"])
    preferred_language = "tr"
    channel = "key_figure"


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    participant = factory.SubFactory(ParticipantFactory)
    group = factory.LazyAttribute(lambda o: o.participant.group)
    joined_on = dt.date(2025, 1, 15)


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    participant = factory.SubFactory(ParticipantFactory)
    purpose = "data_processing"
    method = "written"
    language = "nl"
    info_version = "2025-01"
    recorded_by = factory.SubFactory(UserFactory)


class SocialServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SocialService

    organisation = factory.SubFactory(OrganisationFactory)
    city = factory.LazyAttribute(lambda o: o.organisation.city)
    name = factory.Sequence(lambda n: f"Service {n}")
    kind = "welfare"


def participant_in(group, **kwargs):
    """A participant who joined the group (status joined, an open enrolment)."""
    participant = ParticipantFactory(group=group, status="joined", **kwargs)
    EnrolmentFactory(participant=participant, group=group)
    return participant


__all__ += [
    "ConsentFactory",
    "EnrolmentFactory",
    "ParticipantFactory",
    "SocialServiceFactory",
    "participant_in",
]


# --- meetings -------------------------------------------------------------------------


class MeetingFactory(factory.django.DjangoModelFactory):
    """A planned meeting of two hours, starting at 10:00 Amsterdam time on `day`."""

    class Meta:
        model = Meeting

    class Params:
        day = dt.date(2026, 3, 3)

    group = factory.SubFactory(GroupFactory)
    starts_at = factory.LazyAttribute(
        lambda o: dt.datetime.combine(o.day, dt.time(10), tzinfo=AMSTERDAM)
    )
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=2))


class IdeaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Idea

    group = factory.SubFactory(GroupFactory)
    title = factory.Sequence(lambda n: f"Idea {n}")


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GroupAgreement
        skip_postgeneration_save = True

    group = factory.SubFactory(GroupFactory)
    position = 1
    text = factory.RelatedFactory(
        "tests.factories.AgreementTextFactory", factory_related_name="agreement"
    )


class AgreementTextFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgreementText

    agreement = factory.SubFactory(AgreementFactory)
    language = "nl"
    text = "Wat in de groep gezegd wordt, blijft in de groep."


class CalendarEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalendarEvent

    organisation = factory.SubFactory(OrganisationFactory)
    name = "Buurtfeest"
    starts_on = dt.date(2026, 6, 13)
    ends_on = dt.date(2026, 6, 13)
    category = "local"


__all__ += [
    "AgreementFactory",
    "AgreementTextFactory",
    "CalendarEventFactory",
    "IdeaFactory",
    "MeetingFactory",
]


# --- funding --------------------------------------------------------------------------


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundingApplication
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    fund = factory.SubFactory(FundFactory)
    title = factory.Sequence(lambda n: f"Application {n}")
    amount_requested = Decimal("5000.00")

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.set(extracted)


class BudgetLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BudgetLine

    application = factory.SubFactory(ApplicationFactory)
    category = "room"
    description = "Room rent"
    unit = "meeting"
    quantity = Decimal("10")
    unit_cost = Decimal("50.00")


class CoverageLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CoverageLine

    application = factory.SubFactory(ApplicationFactory)
    kind = "fund"
    amount = Decimal("500.00")


class GrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Grant

    application = factory.SubFactory(ApplicationFactory, status="granted")
    amount = Decimal("5000.00")
    period_start = dt.date(2026, 1, 1)
    period_end = dt.date(2026, 12, 31)
    min_meetings = 10
    report_due = dt.date(2027, 3, 1)


class ExpenseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Expense

    group = factory.SubFactory(GroupFactory)
    spent_on = dt.date(2026, 3, 3)
    amount = Decimal("42.50")
    description = "Ingredients for cooking together"
    category = "activities"
    submitted_by = factory.SubFactory(UserFactory)
    receipt = factory.django.FileField(filename="receipt.pdf", data=b"%PDF-1.4 test receipt")


class VolunteerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Volunteer

    organisation = factory.SubFactory(OrganisationFactory)
    full_name = factory.Sequence(lambda n: f"Volunteer {n}")


__all__ += [
    "ApplicationFactory",
    "BudgetLineFactory",
    "CoverageLineFactory",
    "ExpenseFactory",
    "GrantFactory",
    "VolunteerFactory",
]
