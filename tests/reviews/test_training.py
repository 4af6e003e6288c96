"""`train sentiment`: checks, the blend chosen on held-out rows, registration, promotion, serving."""
from __future__ import annotations

import io
import tarfile
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from apps.mlops.models import ModelVersion, Stage
from apps.mlops.pipeline import TrainingOptions, TrainingRefused
from apps.reviews.analysis_service import reviews_analyze
from apps.reviews.models import ReviewAnalysis
from apps.reviews.training import MIN_REVIEWS, sentiment_train
from tests import factories
from tests.reviews.conftest import make_reviews, rated_texts


def _train(**options):
    messages: list[tuple[float, str]] = []
    outcome = sentiment_train(options=TrainingOptions(**options), report=lambda p, m: messages.append((p, m)))
    return outcome, messages


@pytest.fixture
def product(merchant_a):
    return factories.ProductFactory(merchant=merchant_a)


def test_refuses_with_too_few_reviews(product):
    make_reviews(product, rated_texts(repeat=2))
    with pytest.raises(TrainingRefused, match=f"at least {MIN_REVIEWS}"):
        _train()


def test_refuses_when_a_label_is_missing(product):
    make_reviews(product, [(f"Lovely mug number {n}.", 5) for n in range(MIN_REVIEWS)])
    with pytest.raises(TrainingRefused, match="negative and neutral"):
        _train()


def test_trains_registers_and_serves_the_blend(product):
    make_reviews(product, rated_texts(repeat=7))  # 63 reviews, 21 per label
    outcome, messages = _train(promote=True)
    version = outcome.version
    assert version.name == "sentiment" and outcome.promoted and version.stage == Stage.PRODUCTION
    assert 0 <= version.parameters["classifier_weight"] <= 1 and version.parameters["neutral_band"] > 0
    assert version.parameters["sentence_corpus"] is None
    assert version.row_counts["reviews"] == 63 and version.row_counts["validation"] == 13
    assert 0 <= version.metrics["weighted_f1"] <= 1 and "vader_weighted_f1_reviews" in version.metrics
    assert messages[-1][1].startswith("sentiment v1")
    reviews_analyze(list(product.reviews.all()[:3]))
    assert set(ReviewAnalysis.objects.values_list("model_version", flat=True)) == {"sentiment v1"}


def test_without_promote_the_first_model_waits(product):
    make_reviews(product, rated_texts(repeat=7))
    outcome, _ = _train()
    assert not outcome.promoted and "--promote" in outcome.promotion_reason
    assert ModelVersion.objects.get().stage != Stage.PRODUCTION


def test_a_second_model_is_compared_with_production_on_the_same_rows(product):
    make_reviews(product, rated_texts(repeat=7))
    _train(promote=True)
    outcome, _ = _train()
    assert outcome.version.parameters["production_weighted_f1_same_rows"] is not None
    assert "production" in outcome.promotion_reason


def _fake_sdist(path):
    lines = []
    for review in range(40):
        lines.append(f"{review}_1\t2.0\tI really love this great product.")
        lines.append(f"{review}_2\t-2.0\tIt broke after a day, awful.")
        lines.append(f"{review}_3\t0.0\tThe box says model 12.")
    inner = io.BytesIO()
    with tarfile.open(fileobj=inner, mode="w:gz") as archive:
        data = "\n".join(lines).encode("latin-1")
        info = tarfile.TarInfo("hutto_ICWSM_2014/amazonReviewSnippets_GroundTruth.txt")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    with tarfile.open(path, mode="w:gz") as archive:
        info = tarfile.TarInfo("vaderSentiment-3.3.2/additional_resources/hutto_ICWSM_2014.tar.gz")
        info.size = len(inner.getvalue())
        archive.addfile(info, io.BytesIO(inner.getvalue()))


def test_the_sentence_corpus_is_trained_on_and_validated_when_present(product, settings, tmp_path):
    settings.REVIEWS_SENTENCE_CORPUS = tmp_path / "vaderSentiment-3.3.2.tar.gz"
    _fake_sdist(settings.REVIEWS_SENTENCE_CORPUS)
    make_reviews(product, [(f"Lovely mug {n}.", 5) for n in range(MIN_REVIEWS)])  # positive only: the corpus fills in
    outcome, _ = _train(promote=True)
    version = outcome.version
    assert version.parameters["sentence_corpus"] == "hu_liu"
    assert version.row_counts["corpus_sentences"] == 120
    assert "weighted_f1_hu_liu_sentences" in version.metrics


def test_train_command(product):
    make_reviews(product, rated_texts(repeat=7))
    out = StringIO()
    call_command("train", "sentiment", "--promote", "--no-progress", stdout=out)
    assert "registered sentiment v1" in out.getvalue()


def test_train_command_if_enough_data_skips_politely(product):
    out = StringIO()
    call_command("train", "sentiment", "--if-enough-data", "--no-progress", stdout=out)
    assert "Skipped training sentiment" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("train", "sentiment", "--no-progress", stdout=StringIO())
