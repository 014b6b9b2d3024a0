"""The default cache: Django's database cache, shared by every process of an installation."""

import base64
import pickle

from django.core.cache.backends import db
from django.db import connections, router, transaction
from django.utils import timezone

# The table that `manage.py migrate` creates for it (events/migrations).
CACHE_TABLE = "turnout_cache"
# Django culls a third of the entries past this many: rate-limit counts must not vanish
# because pages were cached. Expired entries go first.
MAX_ENTRIES = 100_000


class DatabaseCache(db.DatabaseCache):
    """Django's database cache, with increments that count every request once and keep the
    count's time.

    Django's ``incr`` reads, then writes the value again as a new entry: two processes
    incrementing at the same moment both write the same number, and the entry's timeout
    starts again at the default, so that an hour's count lasted five minutes after each
    request. Here one transaction locks the row (on SQLite, the database's write lock taken
    when the transaction begins), reads the count and writes the value alone: increments
    queue, the expiry stays, and an increment costs two queries in its transaction, not
    eight with a count of the whole table.
    """

    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        database = router.db_for_write(self.cache_model_class)
        connection = connections[database]
        quote = connection.ops.quote_name
        table = quote(self._table)
        now = connection.ops.adapt_datetimefield_value(timezone.now().replace(microsecond=0))
        lock = connection.ops.for_update_sql() if connection.features.has_select_for_update else ""
        with transaction.atomic(using=database), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {quote('value')} FROM {table} "  # noqa: S608 - our own names
                f"WHERE {quote('cache_key')} = %s AND {quote('expires')} >= %s {lock}",
                [key, now],
            )
            row = cursor.fetchone()
            if row is None:
                raise ValueError(f"Key '{key}' not found")
            value = pickle.loads(base64.b64decode(row[0].encode()))  # noqa: S301 - our own rows
            value += delta
            encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
            cursor.execute(
                f"UPDATE {table} SET {quote('value')} = %s "  # noqa: S608 - our own names
                f"WHERE {quote('cache_key')} = %s",
                [encoded, key],
            )
        return value
