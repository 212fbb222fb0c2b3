"""gunicorn settings for production: ``.venv/bin/gunicorn -c gunicorn.conf.py 'app:create_app()'``.

Every value can be overridden from the environment (GUNICORN_*), or on the command line.
Workers are recycled after ``max_requests`` (± jitter, so they do not restart together): a large
import or report leaves a worker's memory high (Python seldom hands freed memory back), and a fresh
worker starts small again.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 8)))
threads = int(os.environ.get("GUNICORN_THREADS", 1))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 120))  # an import commit of 10,000 rows takes ~15 s
graceful_timeout = 30
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 1000))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", 100))
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
errorlog = "-"
