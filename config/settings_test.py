"""Settings of the test run: production's settings, with what a test process needs on top.

Production code never asks whether it runs under a test; the differences live here.
"""

import os

# The production settings refuse to load without a secret key; a test process needs none of
# its own. The environment is put back afterwards so that servers the tests start in
# subprocesses see exactly what the test run was given.
_TEST_DEFAULTS = {"SECRET_KEY": "insecure-key-for-the-test-run-only", "HTTPS_ONLY": "0"}
_given = {name: os.environ.get(name) for name in _TEST_DEFAULTS}
for _name, _value in _TEST_DEFAULTS.items():
    os.environ.setdefault(_name, _value)
try:
    from config.settings import *  # noqa: F403
    from config.settings import CACHES, STORAGES
finally:
    for _name, _value in _given.items():
        if _value is None:
            del os.environ[_name]

ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]", "testserver"]

# One process: each test starts with an empty cache of its own, unless CACHE_URL picks one.
if "CACHE_URL" not in os.environ:
    CACHES = {**CACHES, "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Tests read the event page as it is now, not a copy of a few seconds ago.
EVENT_PAGE_CACHE_SECONDS = int(os.environ.get("EVENT_PAGE_CACHE_SECONDS", "0"))

# Static files straight from the source folders: no collectstatic before a test run.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Fast hashing: the tests create many users and none of them is real.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
