import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone


def assign_past_reviewers(apps, schema_editor):
    """Evaluations reviewed before assignments existed are assigned to whoever reviewed them, so
    that the record of who reviews what is complete and they may still correct their review."""
    Evaluation = apps.get_model("evaluation", "Evaluation")
    ReviewAssignment = apps.get_model("evaluation", "ReviewAssignment")
    rows = Evaluation.objects.filter(reviewed_by__isnull=False).values_list("pk", "reviewed_by_id", "reviewed_at")
    ReviewAssignment.objects.bulk_create(
        [ReviewAssignment(evaluation_id=pk, reviewer_id=reviewer, assigned_at=at or timezone.now())
         for pk, reviewer, at in rows],
        batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ('evaluation', '0001_rubrics_evaluations_scores_leaderboards'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ReviewAssignment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('assigned_at', models.DateTimeField(verbose_name='assigned at')),
                ('assigned_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('evaluation', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='assignment', to='evaluation.evaluation', verbose_name='evaluation')),
                ('reviewer', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='evaluation_reviews', to=settings.AUTH_USER_MODEL, verbose_name='reviewer')),
            ],
            options={
                'verbose_name': 'review assignment',
                'ordering': ['evaluation_id'],
                'indexes': [models.Index(fields=['reviewer', 'evaluation'], name='review_assignment_reviewer_idx')],
            },
        ),
        migrations.RunPython(assign_past_reviewers, migrations.RunPython.noop),
    ]
