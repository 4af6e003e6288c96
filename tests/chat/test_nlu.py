"""Serving the NLU: the registered model once trained through the mlops pipeline, keyword rules
without one, and FAQ answers that follow merchants' edits."""
from __future__ import annotations

import pytest

from apps.chat import nlu
from apps.chat.models import FaqEntry
from apps.mlops.pipeline import TrainingOptions, training_start_and_execute
from apps.mlops.selectors import production_version

pytestmark = pytest.mark.django_db


def test_without_a_model_the_keyword_rules_serve(merchant_a):
    assert nlu.classifier().version == "keyword rules"
    understanding = nlu.understand("I want to talk to a human agent", merchant_id=merchant_a.pk)
    assert understanding.intent == "escalate_to_human"
    assert nlu.understand("qwerty zxcv", merchant_id=merchant_a.pk).intent is None


def test_training_registers_and_serves_the_model(merchant_a):
    run, outcome = training_start_and_execute(name="chat_intents", options=TrainingOptions())
    assert run.status == "succeeded" and outcome.promoted
    version = production_version(name="chat_intents")
    assert version.metrics["accuracy"] >= 0.7 and version.metrics["out_of_scope_recall"] >= 0.7
    nlu.classifier_reset()
    assert nlu.classifier().version == str(version)
    assert nlu.understand("can i get a refund on my tee", merchant_id=merchant_a.pk).intent == "returns_refunds"


def test_seeded_faq_and_a_merchants_own_entry(merchant_a, merchant_b):
    assert FaqEntry.objects.filter(merchant=None).count() >= 3  # the data migration's seed entries
    assert "30-day returns" in nlu.faq_index(merchant_a.pk).answer_for("what is your return policy").answer
    FaqEntry.objects.create(merchant=merchant_a, topic="faq", question="Do you offer gift wrapping?",
                            answer="Yes, gift wrap is 3.00.")
    assert nlu.faq_index(merchant_a.pk).best("gift wrapping?").answer == "Yes, gift wrap is 3.00."
    assert nlu.faq_index(merchant_b.pk).best("gift wrapping?") is None
