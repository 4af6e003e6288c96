"""Ships ml.fraud.rules.DEFAULT_RULES as rules analysts can edit or switch off (idempotent by name)."""

from django.db import migrations


def install(apps, schema_editor):
    from apps.fraud.rules_service import rules_install_defaults

    rules_install_defaults(rule_model=apps.get_model("fraud", "Rule"))


class Migration(migrations.Migration):

    dependencies = [
        ("fraud", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(install, migrations.RunPython.noop),
    ]
