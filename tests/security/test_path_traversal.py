"""Paths and file names built from input: `import_data` given ../ paths refuses cleanly (no rows, no
traceback, nothing written beside the target), and every CSV export names its file itself, whatever
the query string says."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from apps.catalog.models import Product
from tests.portal.conftest import shop_a, shop_b  # noqa: F401  (fixtures)
from tests.portal.test_routes import CSV_ROUTES, url_for

pytestmark = pytest.mark.django_db

SAFE_FILENAME = re.compile(r'attachment; filename="[A-Za-z0-9][A-Za-z0-9._-]*\.csv"$')


def test_import_of_a_system_file_through_dotdot_is_refused_without_importing():
    depth = len(Path.cwd().resolve().parts)
    sneaky = "/".join([".."] * depth) + "/etc/passwd"
    with pytest.raises(CommandError):
        call_command("import_data", "products", sneaky, "--no-progress")
    assert Product.objects.count() == 0


def test_import_of_a_missing_dotdot_path_is_a_command_error(tmp_path):
    with pytest.raises(CommandError):
        call_command("import_data", "products", str(tmp_path / ".." / "nowhere" / "products.csv"), "--no-progress")


def test_import_refuses_an_unknown_kind_that_looks_like_a_path(tmp_path):
    target = tmp_path / "products.csv"
    target.write_text("external_id,merchant,title,price\n")
    with pytest.raises(CommandError):
        call_command("import_data", "../../products", str(target), "--no-progress")


@pytest.mark.parametrize("name", CSV_ROUTES)
def test_export_filename_ignores_hostile_query_values(name, shop_a, platform_admin):  # noqa: F811
    client = Client()
    client.force_login(platform_admin)
    hostile = {"format": "csv", "merchant": '../../etc/passwd"; x=', "q": "..\\..\\boot.ini", "name": "../x"}
    response = client.get(url_for(name, shop_a), hostile)
    assert response.status_code in (200, 400), name
    if response.status_code == 200:
        assert SAFE_FILENAME.match(response["Content-Disposition"]), response["Content-Disposition"]
