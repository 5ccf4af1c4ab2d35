"""gunicorn's settings for every way stetapp is served: the Docker image, Docker Compose
and `make load` (gunicorn reads ./gunicorn.conf.py from the working directory; the image
names it). The worker model was chosen by measurement: docs/deployment.md, "Load and
capacity", and docs/decisions.md 67. The environment overrides each value."""

import os

# Threaded workers: a request waiting for PostgreSQL leaves the process free for another.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
# Processes: one per core (gunicorn's own WEB_CONCURRENCY variable).
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# Threads per process; each holds its own database connection (CONN_MAX_AGE).
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# A request still running after this many seconds gets its worker restarted.
timeout = 60
graceful_timeout = 20
