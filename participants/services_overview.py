"""Writes for the overview pages (views_overview.py): entries of the social map. Atomic;
ValidationError with field errors on bad input."""

from __future__ import annotations

from django.db import transaction

from groups.models import City, Organisation
from stetapp.services import UNSET, Unset, given, model_update

from .models import SocialService

# One field list for the social map form (forms_overview.SocialServiceForm, in its
# order) and the services below.
SERVICE_FIELDS = (
    "name",
    "kind",
    "city",
    "contact_person",
    "phone",
    "email",
    "website",
    "address",
    "offers_speakers",
    "notes",
)


@transaction.atomic
def social_service_create(
    *,
    organisation: Organisation,
    name: str,
    kind: str,
    city: City,
    contact_person: str = "",
    phone: str = "",
    email: str = "",
    website: str = "",
    address: str = "",
    offers_speakers: bool = False,
    notes: str = "",
) -> SocialService:
    """Add an entry to an organisation's social map."""
    service = SocialService(
        organisation=organisation,
        name=name,
        kind=kind,
        city=city,
        contact_person=contact_person,
        phone=phone,
        email=email,
        website=website,
        address=address,
        offers_speakers=offers_speakers,
        notes=notes,
    )
    service.full_clean()
    service.save()
    return service


@transaction.atomic
def social_service_update(
    *,
    service: SocialService,
    name: str | Unset = UNSET,
    kind: str | Unset = UNSET,
    city: City | Unset = UNSET,
    contact_person: str | Unset = UNSET,
    phone: str | Unset = UNSET,
    email: str | Unset = UNSET,
    website: str | Unset = UNSET,
    address: str | Unset = UNSET,
    offers_speakers: bool | Unset = UNSET,
    notes: str | Unset = UNSET,
) -> SocialService:
    """Change the SERVICE_FIELDS given; the entry stays on its organisation's map. Writes
    only what changed (stetapp.services.model_update)."""
    data = given(
        name=name,
        kind=kind,
        city=city,
        contact_person=contact_person,
        phone=phone,
        email=email,
        website=website,
        address=address,
        offers_speakers=offers_speakers,
        notes=notes,
    )
    service, _changed = model_update(instance=service, fields=SERVICE_FIELDS, data=data)
    return service
