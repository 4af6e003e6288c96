from rest_framework import serializers

from apps.mlops.models import DriftReport, ModelVersion, TrainingRun
from apps.mlops.pipeline import TRAINERS


class ModelVersionOutputSerializer(serializers.ModelSerializer):
    trained_by = serializers.CharField(source="trained_by.username", default=None, allow_null=True)
    promoted_by = serializers.CharField(source="promoted_by.username", default=None, allow_null=True)
    metrics = serializers.DictField(
        child=serializers.JSONField(), help_text="Validation-window metrics; null where undefined."
    )
    parameters = serializers.DictField(
        child=serializers.JSONField(), help_text="Thresholds, time split, comparison with production."
    )
    features = serializers.ListField(child=serializers.CharField())
    row_counts = serializers.DictField(child=serializers.IntegerField())

    class Meta:
        model = ModelVersion
        fields = [
            "id",
            "name",
            "version",
            "stage",
            "metrics",
            "parameters",
            "features",
            "data_start",
            "data_end",
            "row_counts",
            "checksum",
            "trained_by",
            "promoted_by",
            "created_at",
            "promoted_at",
        ]


class TrainingRunOutputSerializer(serializers.ModelSerializer):
    model_version = serializers.IntegerField(source="model_version.version", default=None, allow_null=True)
    requested_by = serializers.CharField(source="requested_by.username", default=None, allow_null=True)

    class Meta:
        model = TrainingRun
        fields = [
            "id",
            "name",
            "status",
            "progress",
            "message",
            "log",
            "model_version",
            "requested_by",
            "created_at",
            "started_at",
            "finished_at",
        ]


class TrainingRequestInputSerializer(serializers.Serializer):
    name = serializers.ChoiceField(choices=sorted(TRAINERS), help_text="The model to train.")


class RollbackInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=64, help_text="The model whose production version to roll back.")


class FeatureDriftSerializer(serializers.Serializer):
    name = serializers.CharField()
    psi = serializers.FloatField(help_text="Population stability index against the training reference.")
    ks_statistic = serializers.FloatField(allow_null=True)
    ks_p_value = serializers.FloatField(allow_null=True)
    rows = serializers.IntegerField()
    missing_share = serializers.FloatField()
    severity = serializers.ChoiceField(choices=["ok", "warning", "alert"])


class DriftReportOutputSerializer(serializers.ModelSerializer):
    model = serializers.CharField(source="model_version.name")
    model_version = serializers.IntegerField(source="model_version.version")
    features = FeatureDriftSerializer(many=True, help_text="Worst PSI first.")
    score = FeatureDriftSerializer(allow_null=True, help_text="Drift of the model's score distribution.")
    performance = serializers.DictField(
        child=serializers.FloatField(allow_null=True), help_text="Labelled performance (fraud: precision, recall)."
    )
    reasons = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = DriftReport
        fields = [
            "id",
            "model",
            "model_version",
            "status",
            "reasons",
            "window_start",
            "window_end",
            "rows",
            "max_psi",
            "features",
            "score",
            "performance",
            "created_at",
        ]


class DriftCheckInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=64, help_text="The model whose production version to check now.")
