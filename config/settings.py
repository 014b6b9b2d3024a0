"""Turnout settings. Everything that differs between deployments comes from the environment."""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config import branding

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set the SECRET_KEY environment variable (or DEBUG=1).")
    SECRET_KEY = "insecure-key-for-local-development-only"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")

# The public address of the site, used in emails and calendar files.
SITE_URL = os.environ.get("SITE_URL", "http://localhost:8000").rstrip("/")

INSTALLED_APPS = [
    "config.apps.TurnoutAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "events",
    "registrations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "config.middleware.permissions_policy",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "config.middleware.RefuseNulCharactersMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.middleware.organiser_timezone",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so that it turns a refused sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "events.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's, checking a kept connection without a query when the server has said nothing.
    DATABASES["default"]["ENGINE"] = "config.postgresql"
# On PostgreSQL, a registration's statements are prepared once in each database session
# (SQL PREPARE) instead of being planned on every request. Turn it off behind a pooler that
# passes one server session between client connections (PgBouncer's transaction pooling).
DATABASE_PREPARED_STATEMENTS = env_bool("DATABASE_PREPARED_STATEMENTS", True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers queue up behind each other instead of failing with "database is locked".
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def cache_from_url(url: str) -> dict:
    """The cache named by CACHE_URL. The default, the database cache, is shared by every
    process of an installation; redis:// serves several machines; locmem:// (one process)
    and dummy:// (nothing kept) are for development only."""
    if url in ("", "db://", "database://"):
        return {
            "BACKEND": "config.cache.DatabaseCache",
            "LOCATION": "turnout_cache",
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    if url.startswith(("redis://", "rediss://", "unix://")):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if url.startswith("dummy://"):
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    if url.startswith("locmem://"):
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    raise ImproperlyConfigured(
        f"CACHE_URL must be db://, redis://, rediss://, locmem:// or dummy://, not {url!r}"
    )


# Copies of public pages are kept by each process ("pages"): a page a few seconds old costs no
# query, while rate-limit counts stay in the shared cache ("default"), whose every read and
# write is a query with the database cache. A copy's key holds everything it shows, so each
# process's copy is the same page.
CACHES = {
    "default": cache_from_url(os.environ.get("CACHE_URL", "")),
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "pages",
        "OPTIONS": {"MAX_ENTRIES": 1_000},
    },
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
# Pages follow the browser's language (LocaleMiddleware) or the visitor's choice in the footer
# (/i18n/setlang/). Each name is written in its own language, as a switcher shows it.
LANGUAGES = [("en", "English"), ("es", "Español"), ("eu", "Euskara")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True
# One way to write a date and time per language (config/formats/<language>/formats.py).
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "static/"
# Where `collectstatic` gathers the files served in production.
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

LOGIN_URL = "admin:login"

# Signing in to the admin. After ADMIN_LOGIN_ATTEMPTS failed attempts from one network
# address, signing in from that address is paused for ADMIN_LOCKOUT_HOURS; organisers
# elsewhere are not affected. The attempts are counted in the database (django-axes), so
# every process sees them.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("ADMIN_LOGIN_ATTEMPTS", "10"))
AXES_COOLOFF_TIME = timedelta(hours=float(os.environ.get("ADMIN_LOCKOUT_HOURS", "1")))
AXES_LOCKOUT_PARAMETERS = ["ip_address"]
AXES_CLIENT_IP_CALLABLE = "config.network.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "config.admin.lockout_response"
# Failed attempts are kept; successful sign-ins are not recorded one by one.
AXES_DISABLE_ACCESS_LOG = True
# Two-factor sign-in (TOTP, django-otp): any staff user may set it up from the admin; with
# ADMIN_REQUIRE_2FA=1 superusers must, before they can do anything else there.
ADMIN_REQUIRE_2FA = env_bool("ADMIN_REQUIRE_2FA", False)
# Admin sessions end after this many hours without any admin page opened (a working day).
ADMIN_SESSION_HOURS = float(os.environ.get("ADMIN_SESSION_HOURS", "8"))
SESSION_COOKIE_AGE = int(ADMIN_SESSION_HOURS * 3600)

# Email: Django's own settings by their names. With no EMAIL_HOST, mail is printed to the
# console: right for `make run`, refused by a system check with DEBUG off unless chosen with
# EMAIL_TO_CONSOLE=1 (a worker would otherwise print every email and mark it sent).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_TO_CONSOLE = env_bool("EMAIL_TO_CONSOLE", False)
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_TIMEOUT = 30
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Turnout <events@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background tasks (email). By default they wait in the database for `manage.py db_worker`.
# SEND_EMAIL_IMMEDIATELY=1, which `make run` sets, runs them inside the web process instead,
# so a demo needs no worker (and no retries: a failed send is only logged).
if env_bool("SEND_EMAIL_IMMEDIATELY", False):
    TASKS_BACKEND = "django_tasks.backends.immediate.ImmediateBackend"
else:
    TASKS_BACKEND = "django_tasks_db.DatabaseBackend"
TASKS = {"default": {"BACKEND": TASKS_BACKEND}}

# Reminders go out this many hours before an event starts (`manage.py send_reminders`).
REMINDER_HOURS_BEFORE = float(os.environ.get("REMINDER_HOURS_BEFORE", "24"))

# Security. HTTPS_ONLY is on by default in production; turn it off to serve plain HTTP.
HTTPS_ONLY = env_bool("HTTPS_ONLY", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS_ONLY
SESSION_COOKIE_SECURE = HTTPS_ONLY
CSRF_COOKIE_SECURE = HTTPS_ONLY
SECURE_HSTS_SECONDS = 31536000 if HTTPS_ONLY else 0
# HSTS covers this host only: the organisation's other subdomains are not Turnout's to
# commit to HTTPS, nor is a place on the browsers' preload list. Each is one setting away.
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS_ONLY and env_bool("HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = HTTPS_ONLY and env_bool("HSTS_PRELOAD", False)
# `check --deploy` warns about both; they are off on purpose, not by oversight.
SILENCED_SYSTEM_CHECKS = [
    *([] if SECURE_HSTS_INCLUDE_SUBDOMAINS or not HTTPS_ONLY else ["security.W005"]),
    *([] if SECURE_HSTS_PRELOAD or not HTTPS_ONLY else ["security.W021"]),
]
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Behind a proxy, the visitor's address (for rate limits) is the last in X-Forwarded-For.
TRUST_X_FORWARDED_FOR = env_bool(
    "TRUST_X_FORWARDED_FOR", env_bool("TRUST_X_FORWARDED_PROTO", False)
)
# For events that confirm email addresses: how long a place is held for someone who has not
# confirmed their address yet (`manage.py release_unconfirmed` frees it after that).
UNCONFIRMED_HOLD_MINUTES = int(os.environ.get("UNCONFIRMED_HOLD_MINUTES", "30"))
# Registrations accepted per network address and hour (0: no limit), counted in CACHE_URL.
REGISTRATIONS_PER_ADDRESS_PER_HOUR = int(os.environ.get("REGISTRATIONS_PER_ADDRESS_PER_HOUR", "60"))
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp): scripts, styles, images and requests from this site
# only, and nothing inline, so injected markup cannot run. The embed (static/embed.js) runs
# on other sites under their own policy and reads status.json, which allows any origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        # Bootstrap draws its form icons (checkboxes, select arrows) as data: images.
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
# Where the organisation's website keeps the images its event pages name (``image:`` in a
# page's front matter), e.g. https://example.org/assets/images/events/. Event pages show an
# event's image only from there, and the Content-Security-Policy allows images from its site.
WEBSITE_IMAGES_URL = os.environ.get("WEBSITE_IMAGES_URL", "")
if WEBSITE_IMAGES_URL:
    _images = urlsplit(WEBSITE_IMAGES_URL)
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(f"{_images.scheme}://{_images.netloc}")
# Permissions-Policy: no page of Turnout uses these browser features, so none may.
PERMISSIONS_POLICY = [
    "accelerometer", "camera", "display-capture", "geolocation", "gyroscope", "magnetometer",
    "microphone", "midi", "payment", "usb",
]  # fmt: skip
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
if SITE_URL.startswith("https://") and SITE_URL not in CSRF_TRUSTED_ORIGINS:
    CSRF_TRUSTED_ORIGINS.append(SITE_URL)

# Logs never hold personal links: every handler redacts /registration/<token>/ in what it
# writes, Django's own messages (404, CSRF failures) and the development server's lines
# included. Production's access log is gunicorn's (config/gunicorn.py), redacted likewise.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # No email address or personal-link token reaches the logs, whoever logs them.
    "filters": {"personal_data": {"()": "config.log_filters.RedactPersonalData"}},
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["personal_data"]},
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["personal_data"],
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Instead of Django's own handlers, which would write unredacted: through the root's.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
        # Its greeting at every start says nothing an operator needs.
        "axes.apps": {"level": "WARNING"},
    },
}

# How old the shared copy of an event page for visitors without cookies may be, in seconds
# (0: always fresh). Registration itself always counts places under the event lock.
EVENT_PAGE_CACHE_SECONDS = int(os.environ.get("EVENT_PAGE_CACHE_SECONDS", "5"))

# Which privacy notice an attendee agreed to is stored with their registration.
PRIVACY_NOTICE_VERSION = os.environ.get("PRIVACY_NOTICE_VERSION", "2026-11-28")
ORGANISATION_NAME = os.environ.get("ORGANISATION_NAME", "Turnout")
# The organisation's brand on every public page: its logo, website, favicon and colour
# (#rrggbb, served as a small style sheet, /brand.css, so the CSP still allows no inline style).
ORGANISATION_LOGO_URL = branding.web_address(
    "ORGANISATION_LOGO_URL", os.environ.get("ORGANISATION_LOGO_URL", "")
)
ORGANISATION_WEBSITE = branding.web_address(
    "ORGANISATION_WEBSITE", os.environ.get("ORGANISATION_WEBSITE", "")
)
ORGANISATION_FAVICON_URL = branding.web_address(
    "ORGANISATION_FAVICON_URL", os.environ.get("ORGANISATION_FAVICON_URL", "")
)
# The currency search engines are told the (free) places are priced in.
OFFER_CURRENCY = os.environ.get("OFFER_CURRENCY", "EUR")
ORGANISATION_COLOUR = branding.colour(
    "ORGANISATION_COLOUR", os.environ.get("ORGANISATION_COLOUR", "")
)
for _image in (ORGANISATION_LOGO_URL, ORGANISATION_FAVICON_URL):
    if _image and branding.origin(_image) not in CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"]:
        CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(branding.origin(_image))
# The name authenticator apps show beside an organiser's two-factor code.
OTP_TOTP_ISSUER = ORGANISATION_NAME
PRIVACY_CONTACT_EMAIL = os.environ.get("PRIVACY_CONTACT_EMAIL", "")
# Who is responsible for attendees' personal data, as the privacy notice names them.
DATA_CONTROLLER_NAME = os.environ.get("DATA_CONTROLLER_NAME", ORGANISATION_NAME)
DATA_CONTROLLER_ADDRESS = os.environ.get("DATA_CONTROLLER_ADDRESS", "")
# Days after an event ends that its attendees' personal data is kept, unless the event sets
# its own period; `manage.py purge_personal_data`, run from cron, then deletes it.
PERSONAL_DATA_RETENTION_DAYS = int(os.environ.get("PERSONAL_DATA_RETENTION_DAYS", "90"))

# Local runs serve static files straight from the source folders.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
