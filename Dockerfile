# ShopSignal production image: slim, non-root, static files collected at build, with a healthcheck.
# One image runs every process; compose.yaml picks the command (web, workers, beat).
FROM python:3.11-slim AS base

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production

RUN apt-get update \
    && apt-get install -y --no-install-recommends libgomp1 curl \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system shopsignal \
    && useradd --system --gid shopsignal --home-dir /app --shell /usr/sbin/nologin shopsignal

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY --chown=shopsignal:shopsignal . .
# collectstatic needs settings but no database or real secret: a throwaway key for this one step.
RUN SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput -v 0 \
    && mkdir -p /app/var/media && chown -R shopsignal:shopsignal /app/var /app/staticfiles

USER shopsignal
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
    CMD curl -fsS http://127.0.0.1:8000/health || exit 1

CMD ["uvicorn", "config.asgi:application", "--host", "0.0.0.0", "--port", "8000", "--workers", "2", "--no-access-log"]
