# The action field lists every action code the platform records (labels only: no schema change).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0002_chain_change_hash'),
    ]

    operations = [
        migrations.AlterField(
            model_name='auditlog',
            name='action',
            field=models.CharField(choices=[('create', 'Create'), ('update', 'Update'), ('delete', 'Delete'), ('move', 'Move'), ('status', 'Status change'), ('import', 'Import'), ('export', 'Export'), ('login', 'Login'), ('logout', 'Logout'), ('login_failed', 'Failed login'), ('permission', 'Permission change'), ('unmask', 'View unmasked personal data'), ('password', 'Password change'), ('security', 'Security event'), ('purge', 'Audit retention purge'), ('submit', 'Submit'), ('accept', 'Accept'), ('return', 'Return for revision'), ('approve', 'Approve'), ('reject', 'Reject'), ('schedule', 'Set the reporting schedule'), ('cascade', 'Hand down a task'), ('issue', 'Issue a supervision notice'), ('reply', 'Reply'), ('close', 'Close'), ('instruct', "Leader's instruction"), ('remind', 'Reminder'), ('reachable', 'Mark as reachable'), ('unreachable', 'Mark as unreachable'), ('freeze', 'Freeze the rubric'), ('new_version', 'New rubric version'), ('evaluate', 'Start an evaluation'), ('self_score', 'Save the self-score'), ('review', 'Review the scores'), ('finalise', 'Finalise grades and ranks'), ('publish', 'Publish'), ('apply', 'Apply'), ('panel_add', 'Add an expert to the panel'), ('evaluation', 'Take in the evaluation result'), ('eligibility', 'Eligibility check'), ('recuse', 'Recusal'), ('score', 'Score'), ('objection', 'Raise an objection'), ('objection_handle', 'Handle an objection'), ('flags_compute', 'Compute the four-batch flags'), ('decide', 'Decide on a flag')], db_index=True, max_length=32, verbose_name='action'),
        ),
    ]
