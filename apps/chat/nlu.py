"""Serving the NLU: the registered intent model (keyword rules when there is none), the merchant's
FAQ index and catalog vocabulary, each rebuilt only when what it was built from changes.

Everything here is synchronous and CPU-bound; consumers call it through database_sync_to_async,
never on the event loop.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, F, Max, QuerySet

from apps.catalog.models import Product
from apps.chat.models import FaqEntry
from apps.mlops.selectors import production_model
from ml.chat.dialogue import Understanding
from ml.chat.entities import CatalogVocabulary, extract_entities
from ml.chat.faq import FaqEntryText, FaqIndex
from ml.chat.intents import IntentPolicy, KeywordIntentRules

MODEL_NAME = "chat_intents"
MODEL_RECHECK_SECONDS = 30.0
"""How long a worker serves its loaded intent model before asking the registry for a newer one."""
POLICY = IntentPolicy()
_RULES = KeywordIntentRules()
_lock = threading.Lock()
_model: dict = {"checked": 0.0, "classifier": None, "version": None}
_faq: dict[int, tuple[tuple, FaqIndex, float]] = {}
_catalog: dict[int, tuple[tuple, CatalogVocabulary, float]] = {}


@dataclass(frozen=True)
class ClassifierInUse:
    classifier: object
    version: str


def classifier() -> ClassifierInUse:
    """The production intent model, or the keyword rules when none is registered or it fails to load."""
    now = time.monotonic()
    if now - _model["checked"] > MODEL_RECHECK_SECONDS:
        with _lock:
            loaded = production_model(name=MODEL_NAME)
            _model.update(checked=now, classifier=loaded[1] if loaded else None,
                          version=str(loaded[0]) if loaded else None)
    if _model["classifier"] is None:
        return ClassifierInUse(_RULES, "keyword rules")
    return ClassifierInUse(_model["classifier"], _model["version"])


def classifier_reset() -> None:
    """Forget the loaded model (after training, and between tests)."""
    with _lock:
        _model.update(checked=0.0, classifier=None, version=None)


def _refreshed(cache: dict, merchant_id: int, rows: Callable[[], QuerySet], build):
    """The cached object for the merchant, rebuilt when its rows' (count, last update) changed.

    The signature query itself runs at most every CHAT_KNOWLEDGE_REFRESH_SECONDS, so a busy
    storefront does not pay it on every message; an edit shows within that many seconds. `rows`
    makes the queryset only then: building one (filters, Q objects) costs a turn ~0.1 ms of CPU.
    """
    now = time.monotonic()
    cached = cache.get(merchant_id)
    if cached and now - cached[2] < settings.CHAT_KNOWLEDGE_REFRESH_SECONDS:
        return cached[1]
    queryset = rows()
    signature = tuple(queryset.aggregate(n=Count("id"), t=Max("updated_at")).values())
    built = cached[1] if cached and cached[0] == signature else build(queryset)
    cache[merchant_id] = (signature, built, now)
    return built


def faq_index(merchant_id: int) -> FaqIndex:
    def build(entries) -> FaqIndex:
        return FaqIndex([
            FaqEntryText(e.pk, e.question, e.answer, e.phrasing_list(), e.topic)
            # A merchant's own entry of a topic comes before the platform default of the same topic.
            for e in entries.order_by(F("merchant_id").asc(nulls_last=True), "pk")
        ])

    return _refreshed(_faq, merchant_id, lambda: FaqEntry.objects.for_storefront(merchant_id), build)


def catalog_vocabulary(merchant_id: int) -> CatalogVocabulary:
    return _refreshed(_catalog, merchant_id, lambda: Product.objects.filter(merchant_id=merchant_id, active=True),
                      lambda rows: CatalogVocabulary(dict(rows.values_list("id", "title"))))


def knowledge_reset() -> None:
    """Forget every merchant's FAQ index and catalog vocabulary (tests roll back rows no cache hears of)."""
    _faq.clear()
    _catalog.clear()


def understand(text: str, *, merchant_id: int) -> Understanding:
    model = classifier().classifier
    prediction = model.predict(text)
    return Understanding(text=text, prediction=prediction, intent=POLICY.accepted(prediction),
                         entities=extract_entities(text, catalog_vocabulary(merchant_id)))
