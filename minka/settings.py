"""Minka settings: one module, configured by MINKA_* environment variables.

Defaults are safe for a laptop: DEBUG off, a SQLite file in WAL mode under MINKA_DATA_DIR, and a
secret key generated once and kept in that folder. Production sets MINKA_SECRET_KEY (or
MINKA_SECRET_KEY_FILE), MINKA_ALLOWED_HOSTS and MINKA_DATABASE_URL (PostgreSQL).
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.conf.locale import LANG_INFO
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name, default=""):
    """A MINKA_* setting, also read from the file named by MINKA_*_FILE (for secrets)."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text().strip()
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = env(name, "")
    if value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DATA_DIR = Path(env("MINKA_DATA_DIR", str(BASE_DIR / "var")))
DEBUG = env_bool("MINKA_DEBUG", False)


def _secret_key():
    key = env("MINKA_SECRET_KEY")
    if key:
        return key
    # No key given: make one and keep it, so sessions survive a restart of a laptop install.
    key_file = DATA_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("MINKA_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("MINKA_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "ninja",  # serves its own Swagger UI files at /api/docs (no CDN)
    "minka.core",
    "minka.territory",
    "minka.people",
    "minka.accounts",
    "minka.chains",
    "minka.learning",
    "minka.collect",
    "minka.observatory",
    "minka.books",
    "minka.market",
    "minka.credit",
    "minka.incentives",
    "minka.governance",
    "minka.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "minka.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "minka.urls"
WSGI_APPLICATION = "minka.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "minka.core.context_processors.site",
                "minka.accounts.context_processors.capabilities",
            ],
        },
    },
]

DATABASE_URL = env("MINKA_DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=int(env("MINKA_DB_CONN_MAX_AGE", "60")), conn_health_checks=True)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env("MINKA_SQLITE_PATH", str(DATA_DIR / "minka.sqlite3")),
            "OPTIONS": {
                # WAL lets readers go on while one writer writes; IMMEDIATE avoids
                # "database is locked" surprises when a read transaction later writes.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                ),
            },
        }
    }
    if not DATA_DIR.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Languages: Spanish is the source language; Quechua (Cusco-Collao) is unknown to Django.
EXTRA_LANG_INFO = {
    "quz": {"bidi": False, "code": "quz", "name": "Quechua (Cusco-Collao)", "name_local": "Runasimi"},
}
LANG_INFO.update(EXTRA_LANG_INFO)
# Django's password check, which also keeps the HA1 that phones (ODK Collect) are checked against.
AUTHENTICATION_BACKENDS = ["minka.collect.auth.RememberingBackend"]

LANGUAGE_CODE = "es"
FORMAT_MODULE_PATH = ["minka.formats"]
LANGUAGES = [
    ("es", _("Español")),
    ("quz", _("Runasimi")),
    ("fr", _("Français")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "minka" / "locale"]
TIME_ZONE = env("MINKA_TIME_ZONE", "America/Lima")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("MINKA_STATIC_ROOT", str(DATA_DIR / "static")))
STATICFILES_DIRS = [
    ("vendor/leaflet", BASE_DIR / "node_modules" / "leaflet" / "dist"),
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/geoman", BASE_DIR / "node_modules" / "@geoman-io" / "leaflet-geoman-free" / "dist"),
]
# Bundles built by `npm run build` (ODK Web Forms), present once the Makefile has built them.
if (BASE_DIR / "build" / "static").exists():
    STATICFILES_DIRS.append(BASE_DIR / "build" / "static")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "minka.core.storage.StaticStorage"},
}
MEDIA_ROOT = Path(env("MINKA_MEDIA_ROOT", str(DATA_DIR / "media")))
MEDIA_URL = "/media/"

# Background work (large exports) is queued in the database and run by `manage.py db_worker`.
# The observatory's analytical store (DuckDB), written only by the indicator refreshes.
ANALYTICS_PATH = Path(env("MINKA_ANALYTICS_PATH", str(DATA_DIR / "analytics.duckdb")))
ANALYTICS_MEMORY = env("MINKA_ANALYTICS_MEMORY", "3GB")
ANALYTICS_FOLLOW_CHANGES = env("MINKA_ANALYTICS_FOLLOW_CHANGES", "1") == "1"  # refresh after every commit

TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}

# The largest submission (XML and its photos) a phone may send, in bytes.
COLLECT_MAX_SUBMISSION_BYTES = int(env("MINKA_COLLECT_MAX_SUBMISSION_BYTES", str(50 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Exports of more submissions than this run in the background, with their progress shown.
COLLECT_EXPORT_INLINE_MAX = int(env("MINKA_COLLECT_EXPORT_INLINE_MAX", "5000"))

# Security: cookies and headers that are safe everywhere; HTTPS-only ones when told we run behind TLS.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
HTTPS = env_bool("MINKA_HTTPS", False)
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31536000

# Map background tiles; the only thing a page loads from elsewhere (empty = no background).
MAP_TILES_URL = env("MINKA_MAP_TILES_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILES_ATTRIBUTION = env("MINKA_MAP_TILES_ATTRIBUTION", "© OpenStreetMap")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("MINKA_LOG_LEVEL", "WARNING")},
}

if env_bool("MINKA_FAST_PASSWORD_HASHER", False):
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# The publisher of the IATI file (https://iatistandard.org/en/guidance/preparing-organisation/organisation-account/
# how-to-create-your-iati-organisation-identifier/): set both to the organisation's registered identifier and name.
IATI_ORGANISATION = env("MINKA_IATI_ORGANISATION", "XX-MINKA-DEMO")
IATI_ORGANISATION_NAME = env("MINKA_IATI_ORGANISATION_NAME", "Minka (demo)")
