from django.db import migrations, models
from django.utils import timezone


def mark_late_reports(apps, schema_editor):
    """Reports already in that were submitted after their round's due date are late: the mark is
    what they would have got had it existed when they came in."""
    AnnualReport = apps.get_model("societies", "AnnualReport")
    late = [pk for pk, submitted_at, due_on in AnnualReport.objects.filter(submitted_at__isnull=False)
            .values_list("pk", "submitted_at", "round__due_on").iterator()
            if timezone.localtime(submitted_at).date() > due_on]
    for start in range(0, len(late), 1000):
        AnnualReport.objects.filter(pk__in=late[start:start + 1000]).update(late=True)


class Migration(migrations.Migration):

    dependencies = [
        ('societies', '0002_report_values_empty_in_drafts'),
    ]

    operations = [
        migrations.AddField(
            model_name='annualreport',
            name='late',
            field=models.BooleanField(default=False, help_text="First submitted after the round's due date.", verbose_name='filed late'),
        ),
        migrations.RunPython(mark_late_reports, migrations.RunPython.noop),
    ]
