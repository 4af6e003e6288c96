"""Test settings: fast hashing, no throttling surprises, same DB/Redis choice as the environment."""
from .base import *  # noqa: F401,F403

DEBUG = False
SECRET_KEY = "test-only-secret-key-shopsignal"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
LOG_JSON = False
LOGGING["handlers"]["console"]["formatter"] = "plain"  # noqa: F405
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
# Tests call tasks directly or eagerly; the integration tests start a real worker themselves.
CELERY_TASK_ALWAYS_EAGER = True
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {"token": "100000/min", "ip": "100000/min"}  # noqa: F405
MODEL_ARTIFACT_DIR = BASE_DIR / "var" / "test-models"  # noqa: F405
# Serve static files through finders, so tests need no collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
MEDIA_ROOT = BASE_DIR / "var" / "test-media"  # noqa: F405
# Each test has its own labelled payments: reload label counts on every scoring call.
FRAUD_LABEL_REFRESH_SECONDS = 0
# Tests roll back their writes, which no cache hears of: reload scoring's rules, lists and settings on every call.
FRAUD_CONFIG_MAX_AGE_SECONDS = 0
# Likewise for the running experiments that assignment caches per process.
EXPERIMENTS_CONFIG_MAX_AGE_SECONDS = 0
# The webhook tests run a real receiver on 127.0.0.1; tests of the private-address refusal turn this off.
FRAUD_WEBHOOK_ALLOW_PRIVATE = True
