"""The default cache: Django's database cache, shared by every process of an installation."""

from django.core.cache.backends import db
from django.db import connections, router, transaction

# The table that `manage.py migrate` creates for it (events/migrations).
CACHE_TABLE = "turnout_cache"
# Django culls a third of the entries past this many: rate-limit counts must not vanish
# because pages were cached. Expired entries go first.
MAX_ENTRIES = 100_000


class DatabaseCache(db.DatabaseCache):
    """Django's database cache, with increments that count every request once.

    Django's ``incr`` reads, then writes: two processes incrementing at the same moment both
    write the same number, and a rate limit lets twice as many requests through. Here the read
    and the write happen in one transaction holding the row's lock (on SQLite, the database's
    write lock taken when the transaction begins), so increments queue instead.
    """

    def incr(self, key, delta=1, version=None):
        database = router.db_for_write(self.cache_model_class)
        connection = connections[database]
        with transaction.atomic(using=database):
            if connection.features.has_select_for_update:
                row_key = self.make_and_validate_key(key, version=version)
                table = connection.ops.quote_name(self._table)
                with connection.cursor() as cursor:
                    cursor.execute(
                        f"SELECT cache_key FROM {table} WHERE cache_key = %s "  # noqa: S608
                        f"{connection.ops.for_update_sql()}",
                        [row_key],
                    )
            return super().incr(key, delta, version)
