"""Storefront events: read them back, or send one event or a batch (all-or-nothing, idempotent)."""
from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import OpenApiExample, PolymorphicProxySerializer, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.api.errors import error_responses
from apps.core.api.views import MerchantDataViewSet
from apps.core.tenancy import merchant_ids_for_user
from apps.events.api.serializers import EventIngestOutputSerializer, EventInputSerializer, EventOutputSerializer
from apps.events.selectors import EventFilter, event_list
from apps.events.services import EventRow, events_ingest


def _batch_max() -> int:
    return settings.SHOPSIGNAL["EVENTS_BATCH_MAX"]


def _validated_rows(data, context: dict) -> tuple[list[EventRow], bool]:
    """Validate one event object or a list of them; returns (rows, was_batch).

    Batch errors are keyed by the index of the offending event so a client can fix just those.
    """
    is_batch = isinstance(data, list)
    if not is_batch:
        serializer = EventInputSerializer(data=data, context=context)
        serializer.is_valid(raise_exception=True)
        return [serializer.validated_data], False
    if not data:
        raise exceptions.ValidationError({"non_field_errors": ["Send at least one event."]})
    if len(data) > _batch_max():
        raise exceptions.ValidationError(
            {"non_field_errors": [f"At most {_batch_max()} events per batch; this one has {len(data)}."]}
        )
    serializers = [EventInputSerializer(data=item, context=context) for item in data]
    errors = {str(index): s.errors for index, s in enumerate(serializers) if not s.is_valid()}
    if errors:
        raise exceptions.ValidationError(errors)
    return [s.validated_data for s in serializers], True


@extend_schema_view(
    list=extend_schema(responses={200: EventOutputSerializer(many=True), **error_responses(400)}),
    create=extend_schema(
        request=PolymorphicProxySerializer(
            component_name="EventOrBatch",
            serializers=[EventInputSerializer, EventInputSerializer(many=True)],
            resource_type_field_name=None,
            many=False,
        ),
        responses={201: EventIngestOutputSerializer, 200: EventIngestOutputSerializer, **error_responses(400, 413)},
        description=(
            "One event object, or a list of up to SHOPSIGNAL['EVENTS_BATCH_MAX'] (1,000). The batch is "
            "all-or-nothing: errors are keyed by event index and field. Replayed event ids are counted as "
            "duplicates and change nothing; 201 if any event was created, else 200."
        ),
        examples=[
            OpenApiExample(
                "One view",
                value={"event_id": "E1", "timestamp": "2025-01-01T12:00:00Z", "event_type": "view", "product_id": "P1"},
                request_only=True,
            )
        ],
    ),
)
class EventViewSet(mixins.ListModelMixin, MerchantDataViewSet):
    serializer_class = EventOutputSerializer
    filterset_class = EventFilter
    ordering_fields = ["timestamp", "created_at"]
    ordering = ["-timestamp", "-id"]

    def get_queryset(self):
        return event_list(user=self.request.user)

    def create(self, request: Request) -> Response:
        rows, is_batch = _validated_rows(request.data, self.get_serializer_context())
        result = events_ingest(
            rows=rows, allowed_merchant_ids=merchant_ids_for_user(request.user), all_or_nothing=True
        )
        if result.errors:
            errors: dict = {}
            for error in result.errors:
                errors.setdefault(str(error.index), {}).setdefault(error.field, []).append(error.message)
            raise exceptions.ValidationError(errors if is_batch else errors["0"])
        body = EventIngestOutputSerializer(result).data
        return Response(body, status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK)
