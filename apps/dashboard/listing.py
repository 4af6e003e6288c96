"""The one way a portal list page answers: a 50-row page of HTML, or the whole list as CSV.

Both come from the same queryset, so the export carries exactly the page's filters and
tenancy scope.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from apps.core.exports import Column, csv_response, wants_csv
from apps.core.tenancy import merchant_ids_for_user
from apps.merchants.selectors import merchant_list

if TYPE_CHECKING:
    from apps.accounts.models import User

PAGE_SIZE = 50


def works_across_merchants(user: User) -> bool:
    """Whether rows may come from several merchants, so pages show which merchant each row is from."""
    ids = merchant_ids_for_user(user)
    return ids is None or len(ids) > 1


def list_page(
    request,
    *,
    rows: QuerySet,
    template: str,
    export_name: str,
    columns: Sequence[Column],
    context: dict | None = None,
) -> HttpResponse:
    if wants_csv(request):
        return csv_response(filename=f"{export_name}-{timezone.now():%Y%m%d-%H%M}.csv", columns=columns, queryset=rows)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    multi_merchant = works_across_merchants(request.user)
    return render(
        request,
        template,
        {
            "page_obj": page,
            "filtered": any(value for key, value in request.GET.items() if key != "page"),
            "show_merchant": multi_merchant,
            "merchant_choices": merchant_list(user=request.user) if multi_merchant else [],
            **(context or {}),
        },
    )
