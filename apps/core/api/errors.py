"""The documented shape of every API error (apps.core.exceptions renders it), for the OpenAPI schema."""
from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.JSONField(),
        help_text="Field name (or batch index) to a list of messages; empty for non-validation errors.",
    )


_DESCRIPTIONS = {
    400: "Invalid input; `errors` names each offending field.",
    401: "Missing, invalid or revoked credentials.",
    403: "Your role may not do this.",
    404: "No such object among your merchants' data.",
    413: "Request body is too large.",
}


def error_responses(*statuses: int) -> dict[int, OpenApiResponse]:
    """Responses for `extend_schema`: the auth errors every endpoint has, plus `statuses`."""
    return {
        status: OpenApiResponse(response=ErrorSerializer, description=_DESCRIPTIONS[status])
        for status in sorted({401, 403, *statuses})
    }
