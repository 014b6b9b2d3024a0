"""Emails stored before personal links were written in at sending time held the links
themselves: each becomes the placeholder that sending fills, and a personal-links email
records the registrations it lists."""

import re

from django.db import migrations

LINK = re.compile(r"https?://[^\s\"'<>]*?/registration/([A-Za-z0-9_-]{20,64})/")


def with_placeholders(text: str, registrations: dict[str, int]) -> str:
    def placeholder(match):
        pk = registrations.get(match.group(1))
        # The link of a deleted registration leads nowhere: it goes.
        return f"[[personal-link:{pk}]]" if pk else ""

    return LINK.sub(placeholder, text)


def links_to_placeholders(apps, schema_editor):
    OutboundEmail = apps.get_model("registrations", "OutboundEmail")
    Registration = apps.get_model("registrations", "Registration")
    for email in OutboundEmail.objects.all():
        tokens = set(LINK.findall(email.body_text + email.body_html))
        if not tokens:
            continue
        registrations = dict(
            Registration.objects.filter(token__in=tokens).values_list("token", "pk")
        )
        email.body_text = with_placeholders(email.body_text, registrations)
        email.body_html = with_placeholders(email.body_html, registrations)
        email.save(update_fields=["body_text", "body_html"])
        if email.kind == "personal_links":
            email.listed_registrations.set(registrations.values())


class Migration(migrations.Migration):
    dependencies = [
        ("registrations", "0004_personal_data_retention_and_link_requests"),
    ]

    operations = [migrations.RunPython(links_to_placeholders, migrations.RunPython.noop)]
