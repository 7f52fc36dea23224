"""Settings for Overgang, read from the environment.

OVERGANG_ENV=production turns on the production profile, which refuses to start
without DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS. Without it, the development profile
runs on SQLite with an insecure key that is never used in production.
"""

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from accounts.oidc_settings import providers_from_environment
from overgang.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

ENVIRONMENT = env_str("OVERGANG_ENV", "development")
if ENVIRONMENT not in {"development", "test", "production"}:
    raise ValueError(f"OVERGANG_ENV must be development, test or production, not {ENVIRONMENT!r}.")
PRODUCTION = ENVIRONMENT == "production"

if PRODUCTION:
    SECRET_KEY = env_str("DJANGO_SECRET_KEY", required=True)
    if len(SECRET_KEY) < 50:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be at least 50 characters long.")
    ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", required=True)
    # Encrypts national identity numbers and keys their lookup hash (cases.identity).
    OVERGANG_ID_KEY = env_str("OVERGANG_ID_KEY", required=True)
    if len(OVERGANG_ID_KEY) < 32:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("OVERGANG_ID_KEY must be at least 32 characters long.")
    DEBUG = False
    if env_str("OVERGANG_TODAY", ""):
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("OVERGANG_TODAY moves the clock for tests and demos; production refuses it.")
else:
    SECRET_KEY = env_str("DJANGO_SECRET_KEY", "development-only-key-never-used-in-production-0123456789")
    ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS") or ["127.0.0.1", "localhost", "testserver"]
    OVERGANG_ID_KEY = env_str("OVERGANG_ID_KEY", "development-only-identity-key-never-used-in-production")
    DEBUG = env_bool("DJANGO_DEBUG", default=ENVIRONMENT == "development")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "django_htmx",
    # The second factor for staff (access.middleware): TOTP devices and recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "accounts",
    "journal",
    "reference",
    "cases",
    "access",
    "needs",
    "consent",
    "timetable",
    "plans",
    "meetings",
    "threads",
    "handover",
    "release",
    "obstacles",
    "applications",
    "achievements",
    "programmes",
    "personpages",
    "ownwords",
    "summons",
    "directory",
    "notices",
    "api",
    # django-ninja's docs page serves Swagger UI from ninja's own static files (no CDN) when listed here.
    "ninja",
    "core",
    "population",
    "retention",
    "insight",
    "report",
    "outcomes",
    "costbenefit",
    "surveys",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "core.middleware.SessionLimitsMiddleware",
    "core.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    # Staff past the password step alone reach only the second factor's pages and the public
    # ones (access.policy.second_factor_passed); last, so it sees the view each request resolves to.
    "access.middleware.SecondFactorMiddleware",
]

ROOT_URLCONF = "overgang.urls"
WSGI_APPLICATION = "overgang.wsgi.application"

# Every page is a Jinja2 template (<app>/jinja2/<app>/, and jinja2/ for the site's own); the
# environment and the names templates may use are in core/templating.py. Django's template
# language is kept for the admin only, which ships its templates for it.
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "jinja2"],
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "core.templating.environment",
            "autoescape": True,
            "context_processors": [
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "personpages.listen.listen",
            ],
        },
    },
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# The embedded default is SQLite, so `make run` needs nothing installed; production and
# the second CI pass use PostgreSQL through DATABASE_URL.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
# One transaction per request: the read, its access event and any write commit or fail
# together, so data is never returned without its log row.
DATABASES["default"]["ATOMIC_REQUESTS"] = True
# PostgreSQL: the role the application runs as (it owns nothing; journal.roles). DATABASE_URL
# names it for the app; migrations run as the owner (MIGRATE_DATABASE_URL in the Makefile).
DATABASE_APP_ROLE = env_str("DATABASE_APP_ROLE", "overgang_app")
# .iterator() (form choice lists, among others) fetches with a plain cursor: a server-side
# cursor costs DECLARE, FETCH and CLOSE round trips for lists of a few dozen rows. (A job that
# streams more rows than fit in memory would need its own named cursor; none does today.)
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Server-side binding lets psycopg prepare a statement once it has run twice on a
    # connection (prepare_threshold; Django turns preparing off unless it is given), so
    # PostgreSQL stops planning the same query on every request: half of PostgreSQL's CPU per
    # page (bench/notes.md). psycopg keeps the 100 most recent per connection. It needs a
    # session per connection: behind PgBouncer, use session pooling, not transaction pooling.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update({"server_side_binding": True, "prepare_threshold": 2})
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
    DATABASES["default"]["TEST"] = {"NAME": env_str("SQLITE_TEST_NAME") or None}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's, loading the user's agency with the user (one query fewer on every page).
    "accounts.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sign-in through OpenID Connect providers (ID-porten, MitID, the employer's Entra ID): named
# in OVERGANG_OIDC_PROVIDERS, each with its own variables (accounts/oidc_settings.py). The
# password form stays for the embedded demo; OVERGANG_PASSWORD_LOGIN=off removes it and every
# password sign-in, the admin's too (accounts.backends).
OIDC_PROVIDERS = providers_from_environment(production=PRODUCTION)
PASSWORD_LOGIN = env_bool("OVERGANG_PASSWORD_LOGIN", default=True)
# Seconds of clock difference allowed when an ID token's times are checked (iat, exp).
OIDC_LEEWAY_SECONDS = env_int("OVERGANG_OIDC_LEEWAY_SECONDS", 60)

# Login throttling (django-axes): five failures lock the username (and the username from
# that address) for the cool-off period; the right password is refused meanwhile. Never the
# address alone: behind the TLS proxy, or an agency's NAT, every user shares one address,
# and one user's typing would lock out all.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60
AXES_LOCKOUT_PARAMETERS = [["username"], ["username", "ip_address"]]
# The client's address is the socket's peer, or, behind TRUSTED_PROXY_COUNT proxies, the
# address the outermost of them appended to TRUSTED_PROXY_HEADER; a header is never read
# when no proxy is configured, so a client cannot choose its own address.
AXES_CLIENT_IP_CALLABLE = "accounts.client_address.client_address"
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
TRUSTED_PROXY_HEADER = env_str("TRUSTED_PROXY_HEADER", "HTTP_X_FORWARDED_FOR")
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# The second factor (ASSURANCE #3, #15): TOTP codes from an authenticator app, named "Overgang"
# in it. A code is taken within one 30-second step either side of the server's clock and never
# twice (django-otp's last_t); wrong codes wait 1, 2, 4, 8 ... seconds (its throttling). The
# window does not follow a phone's drift: phones keep network time, and a fixed window is
# what the recovery codes and the tests rely on.
OTP_TOTP_ISSUER = "Overgang"
# The admin may remove a user's second factor (a lost phone), never read its key or codes.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
OTP_TOTP_SYNC = False
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

# Sessions: idle limit by sliding expiry, absolute limit enforced by middleware.
# Django's database sessions. Not cached_db: no shared cache is configured, and a
# per-process cache would keep a session alive in the other workers after sign-out or
# expiry; the session read is one primary-key query either way.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 30 * 60)
# Saved when it changes, and otherwise once a minute (core.middleware.SessionLimitsMiddleware),
# not on every request: an UPDATE and a second commit per request otherwise.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = env_int("SESSION_REFRESH_SECONDS", 60)
SESSION_ABSOLUTE_SECONDS = env_int("SESSION_ABSOLUTE_SECONDS", 10 * 60 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_NAME = "overgang_session"
CSRF_COOKIE_NAME = "overgang_csrf"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", _("Norwegian bokmål")), ("da", _("Danish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "overgang_language"
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles" if PRODUCTION else None
NODE_MODULES = BASE_DIR / "node_modules"
# Designsystemet and htmx come from npm (package.json), served by whitenoise; no CDN.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/designsystemet", NODE_MODULES / "@digdir" / "designsystemet-css" / "dist"),
    ("vendor/designsystemet-theme", NODE_MODULES / "@digdir" / "designsystemet-theme" / "brand"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
]
WHITENOISE_USE_FINDERS = not PRODUCTION
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = env_int("EMAIL_PORT", 1025)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "overgang@localhost")
# Where users write about the service, its privacy and its accessibility (the footer's pages).
# Empty: the pages say that this installation has named no address yet, and whom to ask.
SERVICE_CONTACT_EMAIL = env_str("OVERGANG_CONTACT_EMAIL", "")

# How far into the future an intake date may lie (registering a summons ahead of time).
INTAKE_MAX_DAYS_AHEAD = env_int("INTAKE_MAX_DAYS_AHEAD", 90)
# POP step 0.1 (the revised POP process, Stimulab 2024): the summons is sent "as early as
# possible"; no source gives a number of days. Overgang's default, set per installation
# (timetable.engine.summons_send_by).
SUMMONS_MIN_DAYS_AHEAD = env_int("SUMMONS_MIN_DAYS_AHEAD", 21)

# A closed case is anonymised this many days after it closes (DOMAIN.md §5); statistics survive.
ANONYMISE_AFTER_DAYS = env_int("ANONYMISE_AFTER_DAYS", 2 * 365)

# The integration API (issue 23): machine clients with signed bearer tokens (RS256/ES256) from one
# issuer, Maskinporten or the employer's Entra ID, checked against its keys (a JWKS address or
# file). Off in production unless switched on, and then refused without issuer and audience.
OVERGANG_API_ENABLED = env_bool("OVERGANG_API_ENABLED", default=not PRODUCTION)
OVERGANG_API_ISSUER = env_str("OVERGANG_API_ISSUER", "")
OVERGANG_API_AUDIENCE = env_str("OVERGANG_API_AUDIENCE", "")
OVERGANG_API_JWKS_URL = env_str("OVERGANG_API_JWKS_URL", "")
OVERGANG_API_JWKS_FILE = env_str("OVERGANG_API_JWKS_FILE", "")
if (
    PRODUCTION
    and OVERGANG_API_ENABLED
    and not (OVERGANG_API_ISSUER and OVERGANG_API_AUDIENCE and (OVERGANG_API_JWKS_URL or OVERGANG_API_JWKS_FILE))
):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "OVERGANG_API_ENABLED needs OVERGANG_API_ISSUER, OVERGANG_API_AUDIENCE and OVERGANG_API_JWKS_URL"
        " (or OVERGANG_API_JWKS_FILE)."
    )

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # A refusal (403) or a bad request is one line; only a server error carries its traceback.
    "filters": {"client_errors_without_traceback": {"()": "core.logs.ClientErrorsWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "django.request": {"filters": ["client_errors_without_traceback"]},
        "django.security": {"filters": ["client_errors_without_traceback"]},
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
