"""Settings shared by every environment, read from the process environment.

Unset DATABASE_URL / REDIS_URL means "a newcomer's laptop": SQLite, local-memory
cache, in-memory channel layer and eager Celery, so the demo runs anywhere.
"""
import copy
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

DJANGO_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]
THIRD_PARTY_APPS = [
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "django_celery_beat",
    "channels",
    "csp",
    "axes",
]
LOCAL_APPS = [
    "apps.core",
    "apps.accounts",
    "apps.merchants",
    "apps.catalog",
    "apps.customers",
    "apps.orders",
    "apps.events",
    "apps.reviews",
    "apps.mlops",
    "apps.fraud",
    "apps.imports",
    "apps.demo",
    "apps.dashboard",
    "apps.recommendations",
    "apps.search",
    "apps.chat",
    "apps.analytics",
    "apps.experiments",
    "apps.segments",
    "apps.alerts",
    "apps.abuse",
    "apps.risk",
    "apps.bots",
    "apps.pricing",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    # First, so every later middleware's and view's log lines carry the request id, and every answer is counted.
    "apps.core.observability.RequestIdMiddleware",
    "apps.core.observability_metrics.HttpMetricsMiddleware",
    # Token, merchant directory and scoring configuration generations: one Redis read per request.
    "apps.core.process_cache.SharedGenerationsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Security (docs/security.md): Content-Security-Policy and Permissions-Policy headers; NUL input refused.
    "csp.middleware.CSPMiddleware",
    "apps.core.security_headers.PermissionsPolicyMiddleware",
    "apps.core.security_input.RefuseNulInputMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "apps.core.context_processors.navigation",
            ],
        },
    },
]

# --- Database: PostgreSQL (psycopg 3) when DATABASE_URL is set, SQLite otherwise.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=0))
# A persistent connection is tested before reuse, so one the database dropped (restart, failover)
# is replaced instead of failing the next request (docs/operations.md, "Faults").
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # A database host that vanishes without refusing (no RST) fails a connect in seconds, not minutes.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", env.int("DB_CONNECT_TIMEOUT", default=5))
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets the dev server read while a seed or import writes.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = "PRAGMA journal_mode=WAL;"
    DATABASES["default"]["OPTIONS"]["timeout"] = 30
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USING_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
if USING_POSTGRES and env.bool("DB_POOL", default=False):
    # psycopg 3's pool (Django 5.1+): each request borrows an open connection instead of paying a
    # new connect + auth; persistent CONN_MAX_AGE connections leak under ASGI, a pool does not.
    # https://docs.djangoproject.com/en/5.2/ref/databases/#connection-pool
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {"min_size": 2, "max_size": env.int("DB_POOL_MAX", default=10)}
# A PostgreSQL read replica for the dashboards' rollup reads (apps/core/db_routers.py says which
# reads and why): the primary's pool, timeouts and health checks with the replica's address. Tests
# mirror it to the primary, so a test reads what it wrote.
DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL", default="")
if DATABASE_REPLICA_URL:
    if not USING_POSTGRES:
        raise ImproperlyConfigured("DATABASE_REPLICA_URL needs DATABASE_URL to name the PostgreSQL primary")
    _replica = environ.Env.db_url_config(DATABASE_REPLICA_URL)
    DATABASES["replica"] = copy.deepcopy(DATABASES["default"])
    DATABASES["replica"].setdefault("OPTIONS", {}).update(_replica.pop("OPTIONS", {}))  # e.g. ?sslmode=require
    DATABASES["replica"].update(_replica, TEST={"MIRROR": "default"})
    DATABASE_ROUTERS = ["apps.core.db_routers.DashboardReplicaRouter"]
    # Before axes, which must stay last; it only marks the request as one whose rollup reads may lag.
    MIDDLEWARE.insert(MIDDLEWARE.index("axes.middleware.AxesMiddleware"), "apps.core.db_routers.DashboardReadsMiddleware")

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard:home"
LOGOUT_REDIRECT_URL = "login"
# django-axes first: it refuses a locked-out sign-in before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "apps.accounts.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    # plotly.js from the installed plotly package, as vendor/plotly.min.js (never a CDN)
    "apps.core.staticfinders.PlotlyJsFinder",
]
# Model artifacts (and any upload) go through the default storage: local files unless
# DJANGO_DEFAULT_STORAGE names another backend, e.g. django-storages' "storages.backends.s3.S3Storage"
# for any S3-compatible store (configured by its own AWS_* variables; docs/models.md).
STORAGES = {
    "default": {"BACKEND": env("DJANGO_DEFAULT_STORAGE", default="django.core.files.storage.FileSystemStorage")},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
MEDIA_URL = "/media/"
# Model artifacts live beside media; the registry record holds their checksum.
MODEL_ARTIFACT_DIR = env.path("MODEL_ARTIFACT_DIR", default=BASE_DIR / "var" / "models")

# Uploads: refuse huge request bodies before they reach a view (events batch is the largest).
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=5 * 1024 * 1024)

# --- Redis: cache, Celery broker/result backend, channel layer.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    # One connection pool per process, not per thread (apps/core/redis_cache.py says why).
    CACHES = {"default": {"BACKEND": "apps.core.redis_cache.SharedPoolRedisCache", "LOCATION": REDIS_URL}}
    # channels-redis, waiting again when its blocking read and redis-py's read timeout race (apps/core/channel_layer.py).
    CHANNEL_LAYERS = {
        "default": {"BACKEND": "apps.core.channel_layer.RetryingRedisChannelLayer", "CONFIG": {"hosts": [REDIS_URL]}}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# --- Celery: https://docs.celeryq.dev/en/stable/userguide/configuration.html
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TRACK_STARTED = True
# Longer than the longest training run, so Redis does not redeliver a task still running.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 6 * 3600}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Two queues: "celery" for real-time work (webhooks, notifications, review analysis, cache
# invalidation, monitoring) and "training" for model training, served by separate workers so a
# long training run never delays a webhook (docs/operations.md). Training is bounded in time.
CELERY_TASK_ROUTES = {"mlops.train": {"queue": "training"}}
CELERY_TRAINING_SOFT_TIME_LIMIT = env.int("CELERY_TRAINING_SOFT_TIME_LIMIT", default=4 * 3600)
# A "running" training run with no progress report for this long is failed by the beat job
# mlops.reap_stale_runs (its worker was killed whole); trainers report at every step.
TRAINING_RUN_STALE_MINUTES = env.int("TRAINING_RUN_STALE_MINUTES", default=30)

# --- Fraud decision webhooks: a delivery is tried this many times (exponential backoff with
# jitter between tries) before it becomes a dead letter the merchant can redeliver by hand.
FRAUD_WEBHOOK_MAX_ATTEMPTS = env.int("FRAUD_WEBHOOK_MAX_ATTEMPTS", default=6)
FRAUD_WEBHOOK_TIMEOUT_SECONDS = env.float("FRAUD_WEBHOOK_TIMEOUT_SECONDS", default=5.0)
# Webhooks to loopback/private addresses are refused (SSRF); only a local test receiver needs them.
FRAUD_WEBHOOK_ALLOW_PRIVATE = env.bool("FRAUD_WEBHOOK_ALLOW_PRIVATE", default=False)

# --- Fraud scoring (docs/fraud.md): the model's time budget per call before rules-only fallback,
# how long idle velocity state stays in Redis, how often label counts are reloaded, the longest a
# worker trusts its cached rules/lists/settings without a change signal, and the
# bearer token /metrics asks for (empty: no token, keep /metrics off the public internet).
FRAUD_MODEL_BUDGET_MS = env.float("FRAUD_MODEL_BUDGET_MS", default=50.0)
FRAUD_VELOCITY_TTL_DAYS = env.float("FRAUD_VELOCITY_TTL_DAYS", default=14.0)
# Labels count only once a week older than the scored payment, so minutes of staleness change no decision;
# each reload walks every labelled payment in a background thread that competes with requests.
FRAUD_LABEL_REFRESH_SECONDS = env.float("FRAUD_LABEL_REFRESH_SECONDS", default=300.0)
FRAUD_CONFIG_MAX_AGE_SECONDS = env.float("FRAUD_CONFIG_MAX_AGE_SECONDS", default=30.0)
FRAUD_SCORE_BATCH_MAX = env.int("FRAUD_SCORE_BATCH_MAX", default=1000)
METRICS_TOKEN = env("METRICS_TOKEN", default="")

# --- Review intelligence (docs/reviews.md): the Hu and Liu sentence corpus the sentiment trainer adds
# to the marketplace's rated reviews when present (the vaderSentiment sdist bench/sentiment.py fetches).
REVIEWS_SENTENCE_CORPUS = env.path(
    "REVIEWS_SENTENCE_CORPUS", default=BASE_DIR / "var" / "datasets" / "vaderSentiment-3.3.2.tar.gz"
)

# --- Model monitoring (docs/models.md): the window a daily drift check reads, how many of its
# predictions at most and at least, the share of predictions logged by models without their own
# store, and the labelled-performance floors below which a model raises an alert.
MONITORING = {
    "WINDOW_HOURS": env.int("MONITORING_WINDOW_HOURS", default=24),
    "MAX_ROWS": env.int("MONITORING_MAX_ROWS", default=200_000),
    "MIN_ROWS": env.int("MONITORING_MIN_ROWS", default=200),
    "SAMPLE_RATE": env.float("MONITORING_SAMPLE_RATE", default=0.1),
    "MIN_PERFORMANCE": {"precision": 0.2, "recall": 0.5},
}

# --- Customer chat (docs/chat.md): longest shopper message, messages a socket / an IP may send per
# minute, how long a storefront's signed shopper token is valid.
CHAT_MESSAGE_MAX_CHARS = env.int("CHAT_MESSAGE_MAX_CHARS", default=1000)
CHAT_CONNECTION_MESSAGES_PER_MINUTE = env.int("CHAT_CONNECTION_MESSAGES_PER_MINUTE", default=30)
CHAT_IP_MESSAGES_PER_MINUTE = env.int("CHAT_IP_MESSAGES_PER_MINUTE", default=120)
CHAT_TOKEN_MAX_AGE_SECONDS = env.int("CHAT_TOKEN_MAX_AGE_SECONDS", default=3600)
# How long a worker answers from its cached FAQ index and catalog words before checking for edits.
CHAT_KNOWLEDGE_REFRESH_SECONDS = env.float("CHAT_KNOWLEDGE_REFRESH_SECONDS", default=10.0)

# --- Experiments (docs/experiments.md): the longest a worker trusts its cached running experiments
# without a change signal (0: reload on every assignment).
EXPERIMENTS_CONFIG_MAX_AGE_SECONDS = env.float("EXPERIMENTS_CONFIG_MAX_AGE_SECONDS", default=30.0)

# --- Alert recommendations (docs/alerts.md): neighbours per shopper, the share of them that must
# have an alert type to recommend it (seed 002: 40%), how many shoppers must have chosen alerts
# before their choices alone train the model, and the model age that triggers retraining.
ALERTS_NEIGHBOURS = env.int("ALERTS_NEIGHBOURS", default=20)
ALERTS_RECOMMENDATION_THRESHOLD = env.float("ALERTS_RECOMMENDATION_THRESHOLD", default=0.4)
ALERTS_MIN_PREFERENCE_CUSTOMERS = env.int("ALERTS_MIN_PREFERENCE_CUSTOMERS", default=50)
ALERTS_MODEL_MAX_AGE_DAYS = env.int("ALERTS_MODEL_MAX_AGE_DAYS", default=7)

# --- REST framework
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "apps.accounts.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["apps.core.permissions.IsMerchantDataReader"],
    "DEFAULT_PAGINATION_CLASS": "apps.core.pagination.CreatedCursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Per API token and per client IP, both in one throttle (two cache round trips, not four).
    "DEFAULT_THROTTLE_CLASSES": ["apps.core.throttling.RateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "token": env("THROTTLE_TOKEN_RATE", default="6000/min"),
        "ip": env("THROTTLE_IP_RATE", default="3000/min"),
    },
    "EXCEPTION_HANDLER": "apps.core.exceptions.json_exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ShopSignal API",
    "DESCRIPTION": "Intelligence layer for a marketplace of customisable goods: catalog, orders, events, "
    "payments and reviews; every list is scoped to the caller's merchants.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "TrainingRunStatusEnum": "apps.mlops.models.TrainingRun.Status",
        "ReviewCaseStatusEnum": "apps.fraud.models.ReviewCase.Status",
        "WebhookDeliveryStatusEnum": "apps.fraud.models.WebhookDelivery.Status",
        "OrderStatusEnum": "apps.orders.models.OrderStatus",
        # "source" of alert recommendations and scalping flags: who decided, the trained model or the rules.
        "ModelOrRulesSourceEnum": [("model", "model"), ("rules", "rules")],
    },
}

# --- Logging: structured JSON in production, readable lines locally.
LOG_LEVEL = env("LOG_LEVEL", default="INFO")
LOG_JSON = env.bool("LOG_JSON", default=not DEBUG)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # request_id: the HTTP request's, Celery task's or websocket frame's id (apps.core.observability).
    # pii: shoppers' emails, IP addresses and card fingerprints never reach a log in full (docs/security.md).
    "filters": {
        "request_id": {"()": "apps.core.observability.RequestIdLogFilter"},
        "pii": {"()": "apps.core.security_pii.PiiLogFilter"},
    },
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
        },
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_JSON else "plain",
            "filters": ["request_id", "pii"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

SHOPSIGNAL = {
    "EVENTS_BATCH_MAX": 1000,
}

# --- Security (docs/security.md): Content-Security-Policy (django-csp 4), sign-in lockout
# (django-axes), the API-token lookup cache, PII masking by role.
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        # Our static JS and plotly.js (served from static, never a CDN); an inline <script> needs
        # the request's nonce: <script nonce="{{ request.csp_nonce }}">.
        "script-src": [SELF, NONCE],
        # plotly.js writes <style> elements and style attributes while drawing.
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],  # fetch and same-origin websockets (chat, notifications)
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)  # hours
# A username is locked only from the address that failed: an attacker cannot lock staff out everywhere.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # no start-up banner in every management command's output; lockouts are still logged
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The client's address: REMOTE_ADDR, unless TRUSTED_PROXY_COUNT proxies sit in front (then X-Forwarded-For,
# which a client could otherwise forge to dodge its lockout).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
if TRUSTED_PROXY_COUNT:
    AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

API_TOKEN_CACHE_SECONDS = env.float("API_TOKEN_CACHE_SECONDS", default=30.0)
