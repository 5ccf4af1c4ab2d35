# stetapp production image: gunicorn serving stetapp.wsgi with the production settings.
# Build: docker build -t stetapp .   Run: see docker-compose.yml and docs/deployment.md.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore

# System libraries WeasyPrint needs (Pango, HarfBuzz), fonts for Latin, Arabic and other
# scripts, the emoji font (names and stories with emoji would print as boxes without it),
# GNU gettext for compilemessages, and pg_dump/pg_restore (postgresql-client, 15 on
# bookworm, the server's version) for `manage.py backup_drill`.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz0b \
        libharfbuzz-subset0 \
        fonts-dejavu-core \
        fonts-noto-core \
        fonts-noto-color-emoji \
        gettext \
        postgresql-client \
    && rm -rf /var/lib/apt/lists/*

# The application runs as an unprivileged user; the code stays owned by root (read-only).
RUN groupadd --system --gid 10001 stetapp \
    && useradd --system --uid 10001 --gid stetapp --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin stetapp

WORKDIR /app

# Dependencies first, read from pyproject.toml, so this layer is reused while only the
# code changes.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

# The project itself. The wheel holds only the Python packages; templates, static files,
# translations and groups/data are used from /app, which is the working directory and
# therefore first on sys.path for manage.py and gunicorn.
COPY . .
RUN pip install --no-deps . \
    && rm -rf build ./*.egg-info

ENV DJANGO_SETTINGS_MODULE=stetapp.settings.production \
    DJANGO_STATIC_ROOT=/app/staticfiles \
    DJANGO_MEDIA_ROOT=/var/lib/stetapp/media \
    STETAPP_PRIVATE_MEDIA_ROOT=/var/lib/stetapp/private \
    WEB_CONCURRENCY=2 \
    GUNICORN_THREADS=4

# Translations and static files are built into the image. The production settings refuse
# to load without a secret key and allowed hosts, so this step gets placeholders that
# exist only inside this RUN (they are not part of the image's environment). The running
# container must be given real values.
RUN export DJANGO_SECRET_KEY="build-only-placeholder-not-a-secret-never-used-at-runtime" \
        DJANGO_ALLOWED_HOSTS="build.invalid" \
    && if [ -n "$(find . -path '*/locale/*' -name '*.po' -print -quit)" ]; then \
        python manage.py compilemessages; \
    fi \
    && python manage.py collectstatic --noinput \
    && mkdir -p /var/lib/stetapp/media /var/lib/stetapp/private \
    && chown stetapp:stetapp /var/lib/stetapp/media /var/lib/stetapp/private

USER 10001:10001
EXPOSE 8000

# Liveness: /healthz answers while gunicorn serves requests (no database). The request
# names an allowed host and says it came through HTTPS, as the proxy's would. Compose
# checks /readyz for the web service instead and switches this off for the worker and
# the scheduler, which serve no HTTP (docs/deployment.md, "Health and readiness").
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; host = os.environ['DJANGO_ALLOWED_HOSTS'].split(',')[0].strip().lstrip('.'); urllib.request.urlopen(urllib.request.Request('http://127.0.0.1:8000/healthz', headers={'Host': host, 'X-Forwarded-Proto': 'https'}), timeout=5)"]

# Workers: threaded (gthread), WEB_CONCURRENCY processes of GUNICORN_THREADS threads each
# (defaults above: one process per core of a 2-core node), chosen by measurement with
# `make load` (gunicorn.conf.py; docs/deployment.md, "Load and capacity"). Put a
# TLS-terminating proxy in front that sets X-Forwarded-Proto.
CMD ["gunicorn", "stetapp.wsgi", "--config", "/app/gunicorn.conf.py", "--bind", "0.0.0.0:8000", "--chdir", "/app"]
