"""The shared catalogue of themes and icebreakers every organisation starts with.

Names are stored in Dutch, the language the facilitators plan in; organisations add
their own entries. The reverse removes only shared entries that no meeting uses.
"""

from django.db import migrations

THEMES = [
    "Gezondheid en leefstijl",
    "Stress en zorgen",
    "Geloof en zingeving",
    "Verlies en rouw",
    "De Nederlandse samenleving",
    "Familie en (klein)kinderen",
    "Vroeger en het land van herkomst",
    "Geld en regelingen",
    "Wonen en de buurt",
    "Mantelzorg",
    "Eenzaamheid en contact",
    "Feestdagen en tradities",
]

ICEBREAKERS = [
    ("De koffer", "Iedereen noemt iets dat hij of zij ooit meenam bij een verhuizing of reis, en vertelt waarom."),
    ("De sleutelbos", "Ieder kiest een sleutel en vertelt over de deur die erbij hoort: een huis, een plek, een herinnering."),
    ("Plaatjeskaarten", "Op tafel liggen foto's en tekeningen; iedereen pakt er een die past bij hoe de week was."),
    ("Het stemmingsbord", "Met een sticker of gekleurde kaart laat ieder zien hoe hij of zij zich vandaag voelt."),
    ("Beweegspel", "Staand of zittend een eenvoudig spel met een bal of gebaren, om de spieren en de lach los te maken."),
    ("Naam en betekenis", "Iedereen vertelt wat de eigen naam betekent of wie hem heeft gekozen."),
]


def load(apps, schema_editor):
    Theme = apps.get_model("meetings", "Theme")
    Icebreaker = apps.get_model("meetings", "Icebreaker")
    for name in THEMES:
        Theme.objects.get_or_create(organisation=None, name=name)
    for name, description in ICEBREAKERS:
        Icebreaker.objects.get_or_create(
            organisation=None, name=name, defaults={"description": description}
        )


def unload(apps, schema_editor):
    Theme = apps.get_model("meetings", "Theme")
    Icebreaker = apps.get_model("meetings", "Icebreaker")
    Theme.objects.filter(organisation=None, name__in=THEMES).delete()
    Icebreaker.objects.filter(
        organisation=None, name__in=[name for name, _d in ICEBREAKERS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("meetings", "0001_meetings_attendance_cocreation_agreements_calendar")]
    operations = [migrations.RunPython(load, unload)]
