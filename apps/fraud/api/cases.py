"""The review queue over the API: analysts and admins work cases; merchant staff read their own.

Row access is the tenancy scope's (another merchant's case is a 404, like a missing one); the
role check for working a case is the services' (403), made after the case is found so that a
merchant member probing ids learns nothing about other merchants, and before the input is
validated so that a caller who may not work cases cannot use the assignee's 400 to probe usernames.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status
from rest_framework.decorators import action
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer

from apps.core.api.errors import error_responses
from apps.core.api.views import MerchantDataViewSet
from apps.core.permissions import IsMerchantDataReader
from apps.fraud import cases as services
from apps.fraud.api.cases_serializers import (
    AssignInputSerializer,
    BulkInputSerializer,
    BulkResultSerializer,
    CaseDetailSerializer,
    CaseEventSerializer,
    CaseRowSerializer,
    DecideInputSerializer,
    NoteInputSerializer,
    SnoozeInputSerializer,
)
from apps.fraud.case_selectors import CaseFilter, case_detail, case_get, case_list
from apps.fraud.models import ReviewCase


class CaseConflictError(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class QueueOrderPagination(CursorPagination):
    """The queue's own order, riskiest first then oldest; a cursor keeps pages stable while cases move."""

    ordering = ("-priority", "created_at", "id")
    page_size_query_param = "page_size"
    max_page_size = 500


@contextmanager
def case_refusals() -> Iterator[None]:
    """Services refuse in their own terms; the API answers 403 for the role and 409 for a stale state."""
    try:
        yield
    except services.CaseForbidden as exc:
        raise exceptions.PermissionDenied(str(exc)) from exc
    except services.CaseConflict as exc:
        raise CaseConflictError(str(exc), code=exc.code) from exc


CONFLICT = {409: OpenApiResponse(description="The case changed first: someone holds it, or it is decided.")}
ACTION_RESPONSES = {200: CaseRowSerializer, **error_responses(400, 404), **CONFLICT}


@extend_schema_view(
    list=extend_schema(
        responses={200: CaseRowSerializer(many=True), **error_responses(400)},
        description="Review cases, riskiest first, then oldest.",
    ),
    retrieve=extend_schema(responses={200: CaseDetailSerializer, **error_responses(404)}),
)
class CaseViewSet(mixins.ListModelMixin, MerchantDataViewSet):
    serializer_class = CaseRowSerializer
    permission_classes = [IsAuthenticated, IsMerchantDataReader]
    pagination_class = QueueOrderPagination
    filterset_class = CaseFilter
    ordering_fields: list[str] = []
    lookup_value_regex = r"\d{1,18}"

    def get_queryset(self):
        return case_list(user=self.request.user)

    def get_object(self) -> ReviewCase:
        return case_get(user=self.request.user, case_id=int(self.kwargs["pk"]))

    def retrieve(self, request: Request, pk: str) -> Response:
        detail = case_detail(user=request.user, case_id=int(pk))
        return Response(CaseDetailSerializer(detail, context=self.get_serializer_context()).data)

    def _run(self, service, input_serializer: type[Serializer] | None = None) -> Response:
        """Find the case (404), check the role (403), then validate the input (400) and act."""
        case = self.get_object()
        with case_refusals():
            services.require_case_worker(self.request.user)
            params = self.validated_input(input_serializer) if input_serializer else {}
            service(case=case, actor=self.request.user, **params)
        return Response(CaseRowSerializer(case, context=self.get_serializer_context()).data)

    @extend_schema(request=None, responses=ACTION_RESPONSES, description="Take the case; 409 if anyone holds it.")
    @action(detail=True, methods=["post"])
    def claim(self, request: Request, pk: str) -> Response:
        return self._run(services.case_claim)

    @extend_schema(request=None, responses=ACTION_RESPONSES, description="Put your case back in the queue.")
    @action(detail=True, methods=["post"])
    def release(self, request: Request, pk: str) -> Response:
        return self._run(services.case_release)

    @extend_schema(request=AssignInputSerializer, responses=ACTION_RESPONSES)
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str) -> Response:
        return self._run(services.case_assign, AssignInputSerializer)

    @extend_schema(request=SnoozeInputSerializer, responses=ACTION_RESPONSES)
    @action(detail=True, methods=["post"])
    def snooze(self, request: Request, pk: str) -> Response:
        return self._run(services.case_snooze, SnoozeInputSerializer)

    @extend_schema(
        request=DecideInputSerializer,
        responses=ACTION_RESPONSES,
        description="Final: sets the outcome and the fraud label (which also labels the payment for training).",
    )
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str) -> Response:
        return self._run(services.case_decide, DecideInputSerializer)

    @extend_schema(request=NoteInputSerializer, responses={201: CaseEventSerializer, **error_responses(400, 404)})
    @action(detail=True, methods=["post"])
    def notes(self, request: Request, pk: str) -> Response:
        case = self.get_object()
        with case_refusals():
            services.require_case_worker(request.user)
            event = services.case_note(case=case, actor=request.user, **self.validated_input(NoteInputSerializer))
        return Response(CaseEventSerializer(event).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=BulkInputSerializer,
        responses={200: BulkResultSerializer(many=True), **error_responses(400)},
        description="One action on each selected case, each on its own: the answer lists a result per id, in order.",
    )
    @action(detail=False, methods=["post"])
    def bulk(self, request: Request) -> Response:
        with case_refusals():
            services.require_case_worker(request.user)
        values = self.validated_input(BulkInputSerializer)
        case_ids = list(dict.fromkeys(values["case_ids"]))
        found = self.get_queryset().in_bulk(case_ids)
        with case_refusals():
            results = services.cases_bulk(
                cases=[found[pk] for pk in case_ids if pk in found],
                actor=request.user,
                action=values["action"],
                params=values["params"],
            )
        by_id = {result["case_id"]: result for result in results}
        not_found = {"ok": False, "error": "No such case.", "code": "not_found"}
        return Response([by_id.get(pk, {"case_id": pk, **not_found}) for pk in case_ids])
