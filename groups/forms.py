from collections.abc import Callable, Iterable

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from stetapp.forms import LightSelect

from .communities import community_suggestions
from .languages import LANGUAGE_CHOICES
from .models import Group, Organisation, Programme, Role, SchoolRegion, Venue
from .services import (
    GROUP_FIELDS,
    IDENTITY_CHECKS,
    ORGANISATION_FIELDS,
    PROGRAMME_FIELDS,
    VENUE_FIELDS,
)


class CommunityInput(forms.TextInput):
    """A text field for a community that suggests the organisation's active categories
    (an HTML datalist): choosing one is one tap, typing something else stays possible
    (groups/communities.py). `organisation_ids` is called when the field is drawn."""

    def __init__(self, *args, organisation_ids: Callable[[], Iterable[int]], **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation_ids = organisation_ids

    def render(self, name, value, attrs=None, renderer=None):
        attrs = dict(attrs or {})
        list_id = f"{attrs.get('id') or 'id_' + name}-choices"
        attrs["list"] = list_id
        attrs.setdefault("autocomplete", "off")
        field = super().render(name, value, attrs, renderer)
        options = format_html_join(
            "", '<option value="{}"></option>', ((label,) for label in self._suggestions())
        )
        return format_html('{}<datalist id="{}">{}</datalist>', field, list_id, options)

    def _suggestions(self) -> list[str]:
        return community_suggestions(self.organisation_ids())


def use_community_choices(form: forms.BaseForm, organisation_ids: Callable[[], Iterable[int]]):
    """Give the form's `community` field the organisation's categories as suggestions."""
    field = form.fields.get("community")
    if field is not None:
        widget = CommunityInput(attrs=field.widget.attrs, organisation_ids=organisation_ids)
        widget.is_required = field.widget.is_required
        field.widget = widget


class GroupForm(forms.ModelForm):
    languages = forms.MultipleChoiceField(
        label=_("languages spoken"),
        choices=LANGUAGE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Group
        fields = list(GROUP_FIELDS)
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        managed = Organisation.objects.managed_by(user)
        self.fields["organisation"].queryset = managed
        self.fields["venue"].queryset = Venue.objects.filter(
            organisation__in=managed
        ).select_related("city")
        self.fields["city"].queryset = self.fields["city"].queryset.order_by("name")
        if self.instance.pk:
            # A group stays with its organisation; moving it is an administrator's job.
            del self.fields["organisation"]
        elif managed.count() == 1:
            self.fields["organisation"].initial = managed.first()
        organisation_id = self.instance.organisation_id if self.instance.pk else None
        use_community_choices(
            self,
            lambda: [organisation_id] if organisation_id else managed.values_list("pk", flat=True),
        )

    def clean(self):
        cleaned = super().clean()
        organisation = cleaned.get("organisation") or getattr(self.instance, "organisation", None)
        venue = cleaned.get("venue")
        if venue and organisation and venue.organisation_id != organisation.pk:
            self.add_error("venue", _("Choose a venue of the group's own organisation."))
        return cleaned


class VenueForm(forms.ModelForm):
    class Meta:
        model = Venue
        fields = list(VENUE_FIELDS)
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.instance.organisation = organisation

    def clean_postcode(self):
        value = self.cleaned_data["postcode"].strip().upper().replace(" ", "")
        return f"{value[:4]} {value[4:]}" if len(value) == 6 else value


# The organisation's logo (shown on fund reports): a PNG or JPEG of at most 1 MB.
LOGO_MAX_BYTES = 1024 * 1024
LOGO_FORMATS = {"PNG": ".png", "JPEG": ".jpg"}
LOGO_FIELDS = ("logo", "remove_logo")


class LogoField(forms.ImageField):
    """An image field that refuses a file over LOGO_MAX_BYTES before Pillow reads it."""

    def to_python(self, data):
        if data and getattr(data, "size", 0) > LOGO_MAX_BYTES:
            raise forms.ValidationError(
                _("The logo is larger than 1 MB. Choose a smaller file."), code="too_large"
            )
        return super().to_python(data)


class OrganisationForm(forms.ModelForm):
    """Name, city, KvK number, school holiday region, and the logo. The logo is not
    passed to the services: the view stores it (`logo`, `remove_logo`; see LOGO_FIELDS)."""

    logo = LogoField(
        label=_("logo"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg"}),
        help_text=_("A PNG or JPEG of at most 1 MB; it appears on fund reports."),
    )
    remove_logo = forms.BooleanField(label=_("Remove the current logo"), required=False)

    class Meta:
        model = Organisation
        fields = list(ORGANISATION_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Most organisations never think about it: the middle region unless chosen.
        self.fields["school_region"].required = False
        if not (self.instance and self.instance.pk and self.instance.logo):
            del self.fields["remove_logo"]

    def clean_school_region(self):
        return self.cleaned_data["school_region"] or SchoolRegion.MIDDLE

    def clean_logo(self):
        """A PNG or JPEG (judged by Pillow from the content, not by the file name); sets
        `logo_extension` for the stored name. LogoField already refused files over 1 MB."""
        logo = self.cleaned_data.get("logo")
        if not logo:
            return None
        image = getattr(logo, "image", None)
        extension = LOGO_FORMATS.get(getattr(image, "format", None))
        if extension is None:
            raise forms.ValidationError(_("Upload the logo as a PNG or JPEG image."))
        logo.logo_extension = extension
        return logo

    def service_fields(self) -> dict:
        """The cleaned fields the organisation services take (everything but the logo)."""
        return {k: v for k, v in self.cleaned_data.items() if k not in LOGO_FIELDS}


class ProgrammeForm(forms.ModelForm):
    """A new programme: its name and what it is about."""

    class Meta:
        model = Programme
        fields = list(PROGRAMME_FIELDS)
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class OrganisationFilterForm(forms.Form):
    """The organisation list's filter: a national programme has a thousand of them."""

    name = forms.CharField(
        label=_("name"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control", "type": "search"}),
    )

    @property
    def active_count(self) -> int:
        if not self.is_valid():
            return 0
        return sum(1 for value in self.cleaned_data.values() if value)


class InviteForm(forms.Form):
    """Invite someone to a role in an organisation (by a project lead) or in a programme
    (by a programme coordinator). The scope choices are limited to the inviter's own."""

    email = forms.EmailField(label=_("e-mail address"))
    full_name = forms.CharField(label=_("name"), max_length=150)
    role = forms.ChoiceField(label=_("role"))
    # Drawn in Python (LightSelect): a national programme offers a thousand organisations.
    group = forms.ModelChoiceField(
        label=_("group"),
        queryset=Group.objects.none(),
        required=False,
        help_text=_("Facilitators and volunteers work in one group."),
        widget=LightSelect,
    )
    organisation = forms.ModelChoiceField(
        label=_("organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("Project leads lead one organisation."),
        widget=LightSelect,
    )

    def __init__(self, *args, organisation=None, programme=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope_organisation = organisation
        self.scope_programme = programme
        if organisation is not None:
            roles = [Role.PROJECT_LEAD, Role.PRIVACY_OFFICER, Role.FACILITATOR, Role.VOLUNTEER]
            self.fields["group"].queryset = organisation.stet_groups.only(
                "name", "organisation_id"
            ).order_by("name")
            del self.fields["organisation"]
        else:
            roles = [Role.PROGRAMME_COORDINATOR, Role.PROJECT_LEAD]
            self.fields["organisation"].queryset = programme.organisations.only("name").order_by(
                "name"
            )
            del self.fields["group"]
        self.fields["role"].choices = [(r.value, r.label) for r in roles]

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        cleaned = super().clean()
        role = cleaned.get("role")
        if role in (Role.FACILITATOR, Role.VOLUNTEER) and not cleaned.get("group"):
            self.add_error("group", _("Choose the group this person will work in."))
        if (
            role == Role.PROJECT_LEAD
            and self.scope_programme is not None
            and not cleaned.get("organisation")
        ):
            self.add_error("organisation", _("Choose the organisation this person will lead."))
        return cleaned

    def scope(self):
        role = self.cleaned_data["role"]
        if role in (Role.FACILITATOR, Role.VOLUNTEER):
            return self.cleaned_data["group"]
        if role == Role.PROJECT_LEAD:
            return self.scope_organisation or self.cleaned_data["organisation"]
        if role == Role.PRIVACY_OFFICER:
            return self.scope_organisation
        return self.scope_programme


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("file (CSV or Excel)"),
        help_text=_("A .csv or .xlsx file with one group per row; see the format below."),
    )


class OrganisationImportForm(ImportForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "A .csv or .xlsx file with one organisation per row; see the format below."
        )


IDENTITY_CHECK_LABELS = {
    "in_person": _("In person, face to face"),
    "video_call": _("In a video call, I recognised them"),
    "phone_known_number": _("I called them on the number I already had"),
}


class SecondFactorResetForm(forms.Form):
    """A project lead resets someone's second factor after checking who they are."""

    identity_checked = forms.BooleanField(
        label=_("I have checked that this is really the person asking for the reset."),
        required=True,
    )
    how_checked = forms.ChoiceField(
        label=_("How did you check?"),
        choices=[(code, IDENTITY_CHECK_LABELS[code]) for code in IDENTITY_CHECKS],
    )


class CommunityCategoryForm(forms.Form):
    """A category of the organisation's list of communities (groups/services_communities).

    Adding asks for the code; editing shows it and sends the version it started from.
    """

    code = forms.CharField(
        label=_("code"),
        max_length=40,
        help_text=_(
            "A short name that never changes, in lower-case letters, digits or "
            "underscores, e.g. berber_riffian."
        ),
    )
    label_nl = forms.CharField(label=_("Dutch label"), max_length=100, required=False)
    label_en = forms.CharField(
        label=_("English label"),
        max_length=100,
        required=False,
        help_text=_("Give at least one label; the other language shows it when it has none."),
    )
    active = forms.BooleanField(
        label=_("offered as a choice"),
        required=False,
        initial=True,
        help_text=_("Hide a category nobody has any more; a category in use stays offered."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, initial=0)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["code"]
        else:
            del self.fields["active"]
            del self.fields["version"]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("label_nl", "").strip() and not cleaned.get("label_en", "").strip():
            self.add_error("label_nl", _("Give the category a Dutch or an English label."))
        return cleaned
