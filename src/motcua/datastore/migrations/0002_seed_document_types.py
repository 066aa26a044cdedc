"""The document kinds motcua starts with (``rules.document_kinds.DEFAULT_KINDS``), as rows the province edits."""

from django.db import migrations

# applied once: a later change of DEFAULT_KINDS reaches an existing database only through a new migration
from motcua.rules.document_kinds import DEFAULT_KINDS


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    DocumentType = apps.get_model("datastore", "DocumentType")
    for position, kind in enumerate(DEFAULT_KINDS):
        DocumentType.objects.get_or_create(
            slug=kind.slug,
            defaults={
                "name": kind.name,
                "phrases": list(kind.phrases),
                "validity_months": kind.validity_months,
                "position": position * 10,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("datastore", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
