"""gunicorn settings for Claimscope, shipped in the image and used by its CMD:

    gunicorn -c annotator/gunicorn.conf.py annotator.wsgi:application

Every value comes from the environment, with defaults for one small server:

- PORT (8000): the port to listen on, on every interface.
- WEB_CONCURRENCY (3): worker processes; each serves one request at a time.
- GUNICORN_TIMEOUT (120): seconds a request may take before its worker is restarted.
- GUNICORN_WORKER_MEMORY_MB (1024): the address space each worker may use (RLIMIT_AS); 0 lifts
  it. Past it, an allocation fails with MemoryError in that worker alone: an upload that needs
  more is refused (claims.ingest.pipeline) and the worker goes on, so one bad file can never
  take the host's memory. It counts virtual memory, not resident memory: a worker starts at
  about 250 MB of it, so keep well above that.
"""

import os
import resource

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
worker_memory_mb = int(os.environ.get("GUNICORN_WORKER_MEMORY_MB", "1024"))
# Import the app once in the arbiter: a new worker (one replacing a killed or capped one)
# then starts serving at once instead of spending seconds on imports under load.
preload_app = True


def post_fork(server, worker):
    """Cap the worker's memory; the arbiter (which only forks and watches) keeps no cap."""
    if worker_memory_mb > 0:
        limit = worker_memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        server.log.info("Worker %s: memory capped at %s MB", worker.pid, worker_memory_mb)
