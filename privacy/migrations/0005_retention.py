# An organisation's own retention periods (docs/privacy.md, "Retention"; decision 64).

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('groups', '0007_organisation_community'),
        ('privacy', '0004_erasure'),
    ]

    operations = [
        migrations.CreateModel(
            name='RetentionPolicy',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('left_months', models.PositiveSmallIntegerField(blank=True, help_text='Counted from leaving, or from the end of the last grant period that counts them.', null=True, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(120)], verbose_name='people who left, in months')),
                ('never_joined_months', models.PositiveSmallIntegerField(blank=True, help_text='Counted from the last contact.', null=True, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(120)], verbose_name='people who never joined, in months')),
                ('intake_months', models.PositiveSmallIntegerField(blank=True, help_text='Counted from the intake conversation.', null=True, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(120)], verbose_name='intake notes of people who never joined, in months')),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('organisation', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='retention_policy', to='groups.organisation', verbose_name='organisation')),
            ],
            options={
                'verbose_name': 'retention periods',
                'verbose_name_plural': 'retention periods',
            },
        ),
    ]
