"""stetapp.forms.LightSelect writes the same drop-down as Django's Select (what the
dashboard's filter with a thousand organisations uses), without a template per option."""

from django import forms
from django.test import SimpleTestCase

from stetapp.forms import LightSelect

CHOICES = [("", "All"), ("1", "Stichting <Welzijn> & Co"), ("12", "Zuid"), ("2", "Noord")]


class Both(forms.Form):
    plain = forms.TypedChoiceField(choices=CHOICES, required=False, coerce=int, empty_value=None)
    light = forms.TypedChoiceField(
        choices=CHOICES, required=False, coerce=int, empty_value=None, widget=LightSelect
    )
    needed = forms.ChoiceField(choices=CHOICES)
    needed_light = forms.ChoiceField(choices=CHOICES, widget=LightSelect)


class LightSelectTests(SimpleTestCase):
    def _same(self, form, plain, light):
        html_plain = str(form[plain]).replace(f'"{plain}"', '"x"').replace(f"id_{plain}", "id_x")
        html_light = str(form[light]).replace(f'"{light}"', '"x"').replace(f"id_{light}", "id_x")
        self.assertHTMLEqual(html_light, html_plain)

    def test_the_same_html_as_django_select_unbound(self):
        form = Both()
        self._same(form, "plain", "light")
        self._same(form, "needed", "needed_light")

    def test_the_chosen_option_is_selected_and_labels_are_escaped(self):
        form = Both({"plain": "12", "light": "12", "needed": "", "needed_light": ""})
        self.assertFalse(form.is_valid())
        self._same(form, "plain", "light")
        # The required fields' errors reach the widget as aria-invalid, like Select's.
        self._same(form, "needed", "needed_light")
        html = str(form["light"])
        self.assertIn('<option value="12" selected>Zuid</option>', html)
        self.assertIn("Stichting &lt;Welzijn&gt; &amp; Co", html)

    def test_safe_labels_are_kept_and_values_are_quoted(self):
        # Django's Select escapes what is not already safe, and quotes the value.
        from django.utils.safestring import mark_safe

        choices = [('a"b', "Quote's"), ("s", mark_safe("<b>safe</b>")), (3, "Drie & vier")]

        class Labels(forms.Form):
            plain = forms.ChoiceField(choices=choices, required=False)
            light = forms.ChoiceField(choices=choices, required=False, widget=LightSelect)

        form = Labels({"plain": 'a"b', "light": 'a"b'})
        self._same(form, "plain", "light")
        html = str(form["light"])
        self.assertIn("<b>safe</b>", html)
        self.assertIn('value="a&quot;b" selected', html)

    def test_choices_from_a_callable_read_as_django_reads_them(self):
        # The dashboard's filter gives its thousand organisations through a callable.
        class Called(forms.Form):
            plain = forms.ChoiceField(choices=lambda: CHOICES, required=False)
            light = forms.ChoiceField(choices=lambda: CHOICES, required=False, widget=LightSelect)
            needed = forms.ChoiceField(choices=lambda: CHOICES)
            needed_light = forms.ChoiceField(choices=lambda: CHOICES, widget=LightSelect)
            mapped_light = forms.ChoiceField(
                choices=lambda: {"2": "Noord", "12": "Zuid"}, widget=LightSelect
            )

        for data in (None, {"plain": "12", "light": "12", "needed": "", "needed_light": ""}):
            form = Called(data)
            self._same(form, "plain", "light")
            self._same(form, "needed", "needed_light")
        self.assertIn("required", str(Called()["needed_light"]))
        self.assertNotIn("required", str(Called()["light"]))
        # A callable's dict is normalised as Django does.
        self.assertIn('<option value="12">Zuid</option>', str(Called()["mapped_light"]))
