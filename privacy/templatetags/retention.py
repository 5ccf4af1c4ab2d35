"""`{% retention_preview organisation %}`: the organisation page's section on what will be
anonymised in the next 30 days (privacy.retention.retention_preview). The page includes it
for the organisation's project leads only: it names people."""

from django import template

from privacy.retention import retention_preview as preview

register = template.Library()


@register.inclusion_tag("privacy/retention_preview.html")
def retention_preview(organisation):
    return {"organisation": organisation, "preview": preview(organisation_id=organisation.pk)}
