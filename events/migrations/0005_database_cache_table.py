"""The table of the default cache (CACHE_URL), so that `migrate` is all an installation runs.

It is created whichever cache is configured now, so that switching to the database cache
later needs nothing more either.
"""

from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

CACHE_TABLE = "turnout_cache"


def create_cache_table(apps, schema_editor):
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, CACHE_TABLE, dry_run=False)


def drop_cache_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(CACHE_TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("events", "0004_event_confirm_email_addresses")]

    operations = [migrations.RunPython(create_cache_table, drop_cache_table, elidable=False)]
