"""Shapes of the review-analysis endpoints (input validation and documented output)."""
from django.conf import settings
from rest_framework import serializers

ANALYZE_MAX_CHARS = getattr(settings, "REVIEWS_ANALYZE_MAX_CHARS", 5000)


class AnalyzeInputSerializer(serializers.Serializer):
    text = serializers.CharField(
        max_length=ANALYZE_MAX_CHARS, allow_blank=False, help_text=f"The review text, 1 to {ANALYZE_MAX_CHARS:,} characters."
    )


class SentenceSerializer(serializers.Serializer):
    text = serializers.CharField()
    start = serializers.IntegerField(help_text="Character offset of the sentence in the analysed text.")
    sentiment = serializers.ChoiceField(choices=["negative", "neutral", "positive"])
    score = serializers.FloatField(help_text="-1 (negative) to 1 (positive).")


class AspectMentionSerializer(serializers.Serializer):
    aspect = serializers.CharField()
    sentiment = serializers.ChoiceField(choices=["negative", "neutral", "positive"])
    score = serializers.FloatField()
    evidence = serializers.CharField(help_text="The clause the sentiment was read from.")


class TopicSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField(help_text="The topic's top three terms.")
    terms = serializers.ListField(child=serializers.CharField())
    size = serializers.IntegerField(help_text="Reviews assigned to the topic.")
    coherence = serializers.FloatField(help_text="NPMI of the top terms over review co-occurrence, -1 to 1.")


class AnalyzeTopicSerializer(serializers.Serializer):
    topic = TopicSerializer(allow_null=True, help_text="The topic of your reviews this text fits; null if none.")
    topics = TopicSerializer(many=True, help_text="Topics found in the reviews of your merchants.")
    coherence = serializers.FloatField(allow_null=True)


class AnalyzeOutputSerializer(serializers.Serializer):
    sentiment = serializers.ChoiceField(choices=["negative", "neutral", "positive"])
    score = serializers.FloatField()
    sentences = SentenceSerializer(many=True)
    aspects = AspectMentionSerializer(many=True)
    topics = AnalyzeTopicSerializer()
    model_version = serializers.CharField(help_text="The sentiment scorer: 'sentiment vN', or the VADER fallback.")


class WeekSerializer(serializers.Serializer):
    week = serializers.DateField(help_text="Monday the week starts on.")
    reviews = serializers.IntegerField()
    positive = serializers.IntegerField()
    negative = serializers.IntegerField()
    negative_share = serializers.FloatField(allow_null=True)


class AspectCountSerializer(serializers.Serializer):
    aspect = serializers.CharField()
    positive = serializers.IntegerField()
    neutral = serializers.IntegerField()
    negative = serializers.IntegerField()
    mentions = serializers.IntegerField()


class TopicsSerializer(serializers.Serializer):
    topics = TopicSerializer(many=True)
    coherence = serializers.FloatField(help_text="Mean NPMI over topics.")
    unassigned = serializers.IntegerField(help_text="Reviews that fit no topic.")
    documents = serializers.IntegerField()


class SummaryPointSerializer(serializers.Serializer):
    aspect = serializers.CharField()
    reviews = serializers.IntegerField(help_text="Reviews making this point.")
    sentence = serializers.CharField(help_text="The most typical sentence making it (extractive).")


class SummarySerializer(serializers.Serializer):
    pros = SummaryPointSerializer(many=True)
    cons = SummaryPointSerializer(many=True)


class AlertSerializer(serializers.Serializer):
    group = serializers.CharField(help_text="'all reviews', 'product: ...', 'category: ...' or 'aspect: ...'.")
    week = serializers.DateField()
    negative_share = serializers.FloatField()
    upper_band = serializers.FloatField(help_text="Upper Bollinger band of the weeks before.")
    reviews = serializers.IntegerField()


class SentimentCountsSerializer(serializers.Serializer):
    negative = serializers.IntegerField()
    neutral = serializers.IntegerField()
    positive = serializers.IntegerField()


class InsightsOutputSerializer(serializers.Serializer):
    reviews = serializers.IntegerField()
    analysed = serializers.IntegerField(help_text="Reviews with a stored analysis; the rest are queued.")
    average_rating = serializers.FloatField(allow_null=True)
    sentiment = SentimentCountsSerializer()
    over_time = WeekSerializer(many=True)
    aspects = AspectCountSerializer(many=True)
    topics = TopicsSerializer(allow_null=True, help_text="Null when there are too few reviews to find topics.")
    summary = SummarySerializer()
    alerts = AlertSerializer(many=True)
