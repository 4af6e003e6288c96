import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("mlops", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="modelversion",
            name="reference",
            field=models.JSONField(
                blank=True, default=dict, help_text="training-data profile of each feature and the score, for drift monitoring"
            ),
        ),
        migrations.CreateModel(
            name="DriftReport",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("window_start", models.DateTimeField()),
                ("window_end", models.DateTimeField()),
                ("rows", models.PositiveIntegerField(default=0)),
                ("features", models.JSONField(blank=True, default=list, help_text="per feature: psi, ks_statistic, ks_p_value, severity")),
                ("score", models.JSONField(blank=True, help_text="drift of the score distribution", null=True)),
                ("performance", models.JSONField(blank=True, default=dict, help_text="labelled performance in the window, when known")),
                ("max_psi", models.FloatField(blank=True, null=True)),
                (
                    "status",
                    models.CharField(
                        choices=[("ok", "Ok"), ("warning", "Warning"), ("alert", "Alert"), ("no_data", "No Data")], max_length=16
                    ),
                ),
                ("reasons", models.JSONField(blank=True, default=list, help_text="why the status is warning or alert, in words")),
                ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                (
                    "model_version",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="drift_reports", to="mlops.modelversion"
                    ),
                ),
            ],
            options={"ordering": ["-created_at"]},
        ),
        migrations.CreateModel(
            name="PredictionLog",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("features", models.BinaryField()),
                ("score", models.FloatField(blank=True, null=True)),
                ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                (
                    "model_version",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="predictions", to="mlops.modelversion"
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at"],
                "indexes": [models.Index(fields=["model_version", "created_at"], name="predictionlog_version_time")],
            },
        ),
    ]
