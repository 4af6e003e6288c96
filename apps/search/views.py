"""The merchandiser's search page: storefront figures, top / zero-result / low click-through queries
with advice, and the synonyms they edit."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from apps.core.tenancy import sees_all_merchants
from apps.dashboard.access import staff_page
from apps.merchants.selectors import merchant_get, merchant_list
from apps.search.forms import SynonymDeleteForm, SynonymForm
from apps.search.selectors import LOW_CTR, MIN_SEARCHES_FOR_CTR, search_insights, synonym_get, synonym_list
from apps.search.services import synonym_delete, synonym_save

SEARCH_ROLES = {"platform_admin", "merchant_staff"}


def _synonym_form(request, data=None) -> SynonymForm:
    choices = [(m.slug, m.name) for m in merchant_list(user=request.user).order_by("name")]
    return SynonymForm(data, merchant_choices=choices, allow_global=sees_all_merchants(request.user))


def _post(request) -> tuple[HttpResponse | None, SynonymForm | None]:
    """Delete or save a synonym entry: a redirect when done, or the form with its errors."""
    if "synonym_id" in request.POST:
        form = SynonymDeleteForm(request.POST)
        if form.is_valid():
            entry = synonym_get(user=request.user, pk=form.cleaned_data["synonym_id"])
            if entry.merchant_id is None and not sees_all_merchants(request.user):
                messages.error(request, "Only platform staff change marketplace-wide synonyms.")
            else:
                synonym_delete(actor=request.user, entry=entry)
                messages.success(request, f"Deleted the synonyms of “{entry.term}”.")
        return redirect("search:insights"), None
    form = _synonym_form(request, request.POST)
    if not form.is_valid():
        return None, form
    slug = form.cleaned_data["merchant"]
    merchant = merchant_get(user=request.user, slug=slug) if slug else None
    try:
        entry = synonym_save(actor=request.user, merchant=merchant, term=form.cleaned_data["term"],
                             synonyms=form.cleaned_data["synonyms"])
    except ValidationError as error:
        for field, problems in error.message_dict.items():
            form.add_error(field if field in form.fields else None, problems)
        return None, form
    messages.success(request, f"Saved: “{entry.term}” also finds {', '.join(entry.synonyms)}.")
    return redirect("search:insights"), None


@require_http_methods(["GET", "POST"])
@staff_page(roles=SEARCH_ROLES)
def insights_page(request):
    form = None
    if request.method == "POST":
        response, form = _post(request)
        if response is not None:
            return response
    merchants = merchant_list(user=request.user).order_by("name")
    merchant = merchant_get(user=request.user, slug=request.GET["merchant"]) if request.GET.get("merchant") else None
    return render(
        request,
        "search/insights.html",
        {
            "insights": search_insights(user=request.user, merchant=merchant),
            "synonyms": synonym_list(user=request.user),
            "form": form or _synonym_form(request),
            "merchant": merchant,
            "merchant_choices": merchants if len(merchants) > 1 else [],
            "low_ctr_percent": int(LOW_CTR * 100),
            "min_searches": MIN_SEARCHES_FOR_CTR,
            "may_edit_global": sees_all_merchants(request.user),
        },
    )
