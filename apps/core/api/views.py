"""The base every merchant-data viewset extends: role permissions, id-shaped lookups, and the
input/output serializer split (input validated here, writes done by a service, output rendered)."""
from __future__ import annotations

from typing import Any

from django.db import models
from rest_framework import serializers, status, viewsets
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from apps.core.api.fields import EXTERNAL_ID_URL_REGEX
from apps.core.permissions import IsMerchantDataWriter


class MerchantDataViewSet(viewsets.GenericViewSet):
    """Reads by any staff role (rows narrowed by the app's selectors); writes by admins and merchant staff."""

    permission_classes = [IsMerchantDataWriter]
    # JSON only: one input shape to validate and document (forms would turn lists into strings).
    parser_classes = [JSONParser]
    lookup_value_regex = EXTERNAL_ID_URL_REGEX

    def validated_input(self, serializer_class: type[serializers.Serializer], *, partial: bool = False) -> dict[str, Any]:
        serializer = serializer_class(data=self.request.data, partial=partial, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def output(self, instance: models.Model, *, created: bool = False) -> Response:
        """The instance as the viewset's output serializer renders it: 201 if just created, else 200.

        Idempotent creates answer 200 for a replay, so a client can tell a retry from a new row.
        """
        return Response(
            self.get_serializer(instance).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )
