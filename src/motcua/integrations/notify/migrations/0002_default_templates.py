"""Seed the admin's table with the default Vietnamese texts, so that the province edits them rather than
writing them from nothing. A row that already exists is left as it is."""

from django.db import migrations


def seed(apps, schema_editor):
    from motcua.integrations.notify.defaults import BY_CHANNEL

    template = apps.get_model("integrations_notify", "NotificationTemplate")
    for channel, texts in BY_CHANNEL.items():
        for notice, text in texts.items():
            template.objects.get_or_create(
                notice=notice.value, channel=channel, defaults={"subject": text.subject, "body": text.body}
            )


class Migration(migrations.Migration):
    dependencies = [("integrations_notify", "0001_templates")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
