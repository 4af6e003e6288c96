"""Writes of the experiment framework: assignment and exposures (called by the surfaces on every
request), and the life cycle of experiments (create, edit, start, stop; audited).

The life cycle is draft -> running -> stopped. Variants, traffic weights, holdout and surface are
editable only in draft: changing the split of a running experiment would mix populations that
were randomised differently, and its results could no longer be read.
"""
from __future__ import annotations

import copy
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.core.audit import audit_record, snapshot
from apps.experiments.models import Experiment, Exposure, ExposureUnit, Variant
from apps.experiments.running import running_changed, running_set
from apps.experiments.surfaces import SURFACES, surface_params_clean
from ml.experiments.assignment import HOLDOUT, assign

# Route names under /experiments/ (API "assignment", portal "new"): no experiment may take them as key.
RESERVED_KEYS = frozenset({"assignment", "new"})
MAX_EXPOSURE_ITEMS = 200
MAX_UNIT_ID_LENGTH = 128


@dataclass(frozen=True)
class Assignment:
    experiment_key: str
    variant_key: str
    """The variant's key, or "holdout" for a held-out unit."""
    params: dict
    """For surface "recommendations": {"weights": {source: float}} or {"strategy": "popularity"}; {} for the
    control and the holdout (the default experience)."""
    holdout: bool
    """The unit is in the experiment's holdout: it gets the default experience, and is still recorded."""


def experiment_assign(*, surface: str, unit_id: str, merchant_id: int | None) -> Assignment | None:
    """The variant `unit_id` gets in the experiment running on `surface` for this merchant, or None.

    A merchant's own experiment wins over a platform-wide one. `unit_id` is the shopper: the
    customer external id when signed in, else the anonymous id (the ids events carry), so
    the same shopper always lands in the same variant. No database query while nothing changed.
    """
    scopes = running_set().by_scope
    running = scopes.get((surface, merchant_id)) if merchant_id is not None else None
    if running is None:
        running = scopes.get((surface, None))
    if running is None:
        return None
    arm = assign(salt=running.salt, unit_id=unit_id, allocation=running.allocation)
    if arm == HOLDOUT:
        return Assignment(experiment_key=running.key, variant_key=HOLDOUT, params={}, holdout=True)
    return Assignment(
        experiment_key=running.key, variant_key=arm, params=copy.deepcopy(running.params[arm]), holdout=False
    )


def _experiment_id(key: str) -> int | None:
    for running in running_set().by_scope.values():
        if running.key == key:
            return running.id
    # Stopped between assignment and recording: the exposure still belongs to it.
    return Experiment.objects.filter(key=key).values_list("id", flat=True).first()


def exposure_record(
    *, assignment: Assignment | None, surface: str, unit_id: str, merchant_id: int | None, items: list[str],
    at: datetime | None = None,
) -> str:
    """Store what was served to `unit_id` and return its id, the `recommendation_id` events send back.

    Without an assignment the exposure is stored all the same (experiment and arm empty), so
    events on recommendations outside experiments can still be traced to what was shown.
    `at`: when it was served (default now; the demo simulation passes past times).
    """
    if not unit_id or len(unit_id) > MAX_UNIT_ID_LENGTH:
        raise ValidationError({"unit_id": [f"A unit id of 1 to {MAX_UNIT_ID_LENGTH} characters is required."]})
    now = at or timezone.now()
    experiment_id = _experiment_id(assignment.experiment_key) if assignment is not None else None
    arm = assignment.variant_key if assignment is not None and experiment_id is not None else ""
    exposure = Exposure.objects.create(
        id=uuid.uuid4().hex,
        experiment_id=experiment_id,
        arm=arm,
        unit_id=unit_id,
        merchant_id=merchant_id,
        surface=surface,
        items=[str(item) for item in items[:MAX_EXPOSURE_ITEMS]],
        created_at=now,
    )
    if experiment_id is not None:
        # The unit's first exposure makes it a member of its arm; later ones change nothing.
        ExposureUnit.objects.bulk_create(
            [ExposureUnit(experiment_id=experiment_id, arm=arm, unit_id=unit_id, first_exposed_at=now)],
            ignore_conflicts=True,
        )
    return exposure.id


@dataclass(frozen=True)
class VariantSpec:
    key: str
    name: str = ""
    weight: float = 1.0
    params: dict | None = None
    is_control: bool = False


def _variants_clean(surface: str, variants: list[VariantSpec]) -> list[VariantSpec]:
    if surface not in SURFACES:
        raise ValidationError({"surface": [f"Unknown surface {surface!r}; known: {', '.join(sorted(SURFACES))}."]})
    errors: list[str] = []
    if len(variants) < 2:
        errors.append("An experiment needs a control and at least one other variant.")
    if sum(1 for v in variants if v.is_control) != 1:
        errors.append("Exactly one variant must be the control.")
    keys = [v.key for v in variants]
    if len(set(keys)) != len(keys):
        errors.append("Variant keys must be unique.")
    if HOLDOUT in keys:
        errors.append(f"{HOLDOUT!r} is reserved for the holdout; choose another variant key.")
    if any(not v.weight > 0 for v in variants):
        errors.append("Every traffic weight must be greater than 0.")
    if errors:
        raise ValidationError({"variants": errors})
    cleaned = []
    for spec in variants:
        try:
            params = surface_params_clean(surface, spec.params or {})
        except ValidationError as error:
            raise ValidationError({"variants": [f"{spec.key}: {m}" for m in error.message_dict["params"]]}) from error
        cleaned.append(VariantSpec(spec.key, spec.name or spec.key, float(spec.weight), params, spec.is_control))
    return cleaned


def _fields_clean(fields: dict) -> None:
    holdout = fields.get("holdout_share")
    if holdout is not None and not 0 <= holdout <= 0.5:
        raise ValidationError({"holdout_share": ["The holdout share must be between 0 and 0.5."]})
    baseline = fields.get("baseline_rate")
    if baseline is not None and not 0 < baseline < 1:
        raise ValidationError({"baseline_rate": ["The baseline rate must be between 0 and 1 (exclusive)."]})
    effect = fields.get("minimum_detectable_effect")
    if effect is not None and not 0 < effect <= 10:
        raise ValidationError({"minimum_detectable_effect": ["Give the relative lift as a fraction, e.g. 0.1 for +10%."]})


def _with_variants(experiment: Experiment) -> dict:
    state = snapshot(experiment)
    state["variants"] = [
        {"key": v.key, "weight": v.weight, "params": v.params, "is_control": v.is_control}
        for v in experiment.variants.all()
    ]
    return state


EDITABLE_ALWAYS = frozenset({"name", "description", "primary_metric", "baseline_rate", "minimum_detectable_effect"})
EDITABLE_IN_DRAFT = EDITABLE_ALWAYS | {"surface", "holdout_share"}


@transaction.atomic
def experiment_create(
    *, actor, key: str, name: str, surface: str, merchant_id: int | None, variants: list[VariantSpec],
    source: str = "api", **fields,
) -> Experiment:
    """A draft experiment with its variants. `fields`: any of EDITABLE_IN_DRAFT."""
    unknown = set(fields) - EDITABLE_IN_DRAFT
    if unknown:
        raise TypeError(f"unexpected fields {sorted(unknown)}")
    _fields_clean(fields)
    cleaned = _variants_clean(surface, variants)
    if key in RESERVED_KEYS:
        raise ValidationError({"key": [f"{key!r} is reserved; choose another key."]})
    if Experiment.objects.filter(key=key).exists():
        raise ValidationError({"key": ["An experiment with this key exists."]})
    experiment = Experiment.objects.create(
        key=key, name=name, surface=surface, merchant_id=merchant_id, created_by=actor if getattr(actor, "pk", None) else None,
        **fields,
    )
    Variant.objects.bulk_create(
        [Variant(experiment=experiment, key=v.key, name=v.name, weight=v.weight, params=v.params, is_control=v.is_control)
         for v in cleaned]
    )
    audit_record(actor=actor, action="create", instance=experiment, after=_with_variants(experiment),
                 summary=f"Created experiment {key}", source=source)
    return experiment


@transaction.atomic
def experiment_update(
    *, actor, experiment: Experiment, variants: list[VariantSpec] | None = None, source: str = "api", **changes
) -> Experiment:
    """Change an experiment; allocation (variants, holdout, surface) only while it is a draft."""
    experiment = Experiment.objects.select_for_update().get(pk=experiment.pk)
    allowed = EDITABLE_IN_DRAFT if experiment.status == Experiment.Status.DRAFT else EDITABLE_ALWAYS
    locked = set(changes) - allowed
    if variants is not None and experiment.status != Experiment.Status.DRAFT:
        locked.add("variants")
    if locked:
        unknown = locked - EDITABLE_IN_DRAFT - {"variants"}
        if unknown:
            raise TypeError(f"unexpected fields {sorted(unknown)}")
        raise ValidationError({field: [f"Only a draft experiment's {field} can change (this one is {experiment.status})."]
                               for field in sorted(locked)})
    _fields_clean(changes)
    surface = changes.get("surface", experiment.surface)
    cleaned = _variants_clean(surface, variants) if variants is not None else None
    if cleaned is None and "surface" in changes:
        cleaned = _variants_clean(
            surface,
            [VariantSpec(v.key, v.name, v.weight, v.params, v.is_control) for v in experiment.variants.all()],
        )
    before = _with_variants(experiment)
    for field, value in changes.items():
        setattr(experiment, field, value)
    experiment.save()
    if cleaned is not None:
        experiment.variants.all().delete()
        Variant.objects.bulk_create(
            [Variant(experiment=experiment, key=v.key, name=v.name, weight=v.weight, params=v.params,
                     is_control=v.is_control) for v in cleaned]
        )
    audit_record(actor=actor, action="update", instance=experiment, before=before, after=_with_variants(experiment),
                 summary=f"Edited experiment {experiment.key}", source=source)
    return experiment


def _conflict_message(experiment: Experiment) -> str:
    other = (
        Experiment.objects.filter(
            surface=experiment.surface, merchant_id=experiment.merchant_id, status=Experiment.Status.RUNNING
        )
        .exclude(pk=experiment.pk)
        .values_list("key", flat=True)
        .first()
    )
    scope = "this merchant" if experiment.merchant_id else "the platform"
    return f"Experiment {other or 'another'!r} is already running on {experiment.surface} for {scope}; stop it first."


def experiment_start(*, actor, experiment: Experiment, source: str = "api") -> Experiment:
    """draft -> running. A compare-and-set on the status, so two starts cannot both succeed; the
    database refuses a second running experiment on the same surface and merchant."""
    now = timezone.now()
    try:
        with transaction.atomic():
            changed = Experiment.objects.filter(pk=experiment.pk, status=Experiment.Status.DRAFT).update(
                status=Experiment.Status.RUNNING, started_at=now, updated_at=now
            )
            if not changed:
                current = Experiment.objects.get(pk=experiment.pk).status
                raise ValidationError({"status": [f"Only a draft experiment can start (this one is {current})."]})
            experiment.refresh_from_db()
            audit_record(actor=actor, action="action", instance=experiment, before={"status": "draft"},
                         after={"status": "running", "started_at": now.isoformat()},
                         summary=f"Started experiment {experiment.key}", source=source)
            transaction.on_commit(running_changed)
    except IntegrityError as error:
        raise ValidationError({"status": [_conflict_message(experiment)]}) from error
    running_changed()
    return experiment


@transaction.atomic
def experiment_stop(*, actor, experiment: Experiment, source: str = "api") -> Experiment:
    """running -> stopped: units get the default experience again; results stay readable."""
    now = timezone.now()
    changed = Experiment.objects.filter(pk=experiment.pk, status=Experiment.Status.RUNNING).update(
        status=Experiment.Status.STOPPED, stopped_at=now, updated_at=now
    )
    if not changed:
        current = Experiment.objects.get(pk=experiment.pk).status
        raise ValidationError({"status": [f"Only a running experiment can stop (this one is {current})."]})
    experiment.refresh_from_db()
    audit_record(actor=actor, action="action", instance=experiment, before={"status": "running"},
                 after={"status": "stopped", "stopped_at": now.isoformat()},
                 summary=f"Stopped experiment {experiment.key}", source=source)
    running_changed()
    transaction.on_commit(running_changed)
    return experiment
