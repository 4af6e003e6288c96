from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('mlops', '0003_gates_canary'),
    ]

    operations = [
        migrations.AddField(
            model_name='trainingrun',
            name='heartbeat_at',
            field=models.DateTimeField(
                blank=True,
                help_text='Last progress report: a running run silent for TRAINING_RUN_STALE_MINUTES is failed by the reaper',
                null=True,
            ),
        ),
    ]
