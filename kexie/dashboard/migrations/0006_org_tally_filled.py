"""Fill the organisations' tallies from the snapshots already there: from 0003 on they are moved
only by the difference each change makes, so a database upgraded with snapshots in it would
otherwise count from zero (what ``kexie.dashboard.history.tallies_rebuild`` does for OrgTally)."""

from django.db import migrations
from django.db.models import Count, Q, Sum


def fill(apps, schema_editor):
    OrgTally = apps.get_model("dashboard", "OrgTally")
    TaskSnapshot = apps.get_model("tracking", "TaskSnapshot")
    OrgTally.objects.all().delete()
    OrgTally.objects.bulk_create([
        OrgTally(organization_id=g["organization_id"], tasks=g["tasks_n"], green=g["green_n"], amber=g["amber_n"],
                 red=g["red_n"], completed=g["completed_n"], overdue=g["overdue_n"],
                 percent_sum=g["percent_total"] or 0)
        for g in TaskSnapshot.objects.order_by().values("organization_id").annotate(
            tasks_n=Count("pk"), green_n=Count("pk", filter=Q(colour="green")),
            amber_n=Count("pk", filter=Q(colour="amber")), red_n=Count("pk", filter=Q(colour="red")),
            completed_n=Count("pk", filter=Q(completed=True)), overdue_n=Count("pk", filter=Q(overdue=True)),
            percent_total=Sum("percent"))], batch_size=2000)


class Migration(migrations.Migration):

    dependencies = [
        ("dashboard", "0005_snapshothistory_history_short_idx"),
        ("tracking", "0003_dashboard_list_indexes"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
