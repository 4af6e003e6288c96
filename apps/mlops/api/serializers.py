from rest_framework import serializers

from apps.mlops.models import DriftReport, ModelVersion, TrainingRun
from apps.mlops.pipeline import TRAINERS


class GateCheckSerializer(serializers.Serializer):
    name = serializers.CharField()
    passed = serializers.BooleanField()
    detail = serializers.CharField()


class GateOutputSerializer(serializers.Serializer):
    passed = serializers.BooleanField(help_text="Thresholds, conditions and the production comparison all passed.")
    promoted = serializers.BooleanField(help_text="Promoted at training: passed, or forced with --promote.")
    reason = serializers.CharField()
    checks = GateCheckSerializer(many=True)


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
    gate = GateOutputSerializer(allow_null=True, source="gate_or_none", help_text="The promotion gate's verdict at training.")

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
            "gate",
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


class ArmSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=["production", "canary"])
    version = serializers.IntegerField()
    answers = serializers.IntegerField(help_text="Answers read since the canary started (newest 50,000 at most).")
    score_mean = serializers.FloatField(allow_null=True)
    score_p50 = serializers.FloatField(allow_null=True)
    score_p90 = serializers.FloatField(allow_null=True)
    decision_rates = serializers.DictField(child=serializers.FloatField(), help_text="Share of answers per decision.")
    labelled = serializers.IntegerField(help_text="Answers whose outcome is known (fraud labels).")
    precision = serializers.FloatField(allow_null=True, help_text="Labelled precision of review/decline decisions.")
    recall = serializers.FloatField(allow_null=True, help_text="Labelled recall of review/decline decisions.")
    latency_mean_ms = serializers.FloatField(allow_null=True)
    latency_p95_ms = serializers.FloatField(allow_null=True)


class CanaryOutputSerializer(serializers.Serializer):
    """A running canary (an `apps.mlops.comparison.CanaryComparison`) with both arms' live figures."""

    name = serializers.CharField(source="canary.name")
    version = serializers.IntegerField(source="canary.version.version", help_text="The staging version's number.")
    share = serializers.IntegerField(source="canary.share", help_text="Percent of customers routed to the canary.")
    started_at = serializers.DateTimeField(source="canary.started_at")
    updated_at = serializers.DateTimeField(source="canary.updated_at")
    updated_by = serializers.CharField(source="canary.updated_by.username", default=None, allow_null=True)
    comparison = ArmSerializer(many=True, source="arms", help_text="Production, then canary, over the same window.")


class CanaryInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=64, help_text="The model whose traffic to split.")
    version = serializers.IntegerField(min_value=1, help_text="The staging version's number (not the production one).")
    share = serializers.IntegerField(min_value=0, max_value=100, help_text="Percent of customers routed to it.")
