"""Writes for the overview pages (views_overview.py): entries of the social map. Atomic;
ValidationError with field errors on bad input."""

from __future__ import annotations

from django.db import transaction

from .models import SocialService

SERVICE_FIELDS = (
    "city",
    "name",
    "kind",
    "contact_person",
    "phone",
    "email",
    "website",
    "address",
    "offers_speakers",
    "notes",
)


@transaction.atomic
def social_service_create(*, organisation, **fields) -> SocialService:
    unknown = set(fields) - set(SERVICE_FIELDS)
    if unknown:
        raise TypeError(f"social_service_create cannot set {sorted(unknown)}")
    service = SocialService(organisation=organisation, **fields)
    service.full_clean()
    service.save()
    return service


@transaction.atomic
def social_service_update(*, service: SocialService, **fields) -> SocialService:
    changed = []
    for name, value in fields.items():
        if name not in SERVICE_FIELDS:
            raise TypeError(f"social_service_update cannot set {name!r}")
        if getattr(service, name) != value:
            setattr(service, name, value)
            changed.append(name)
    if changed:
        service.full_clean()
        service.save(update_fields=[f"{n}_id" if n == "city" else n for n in changed])
    return service
