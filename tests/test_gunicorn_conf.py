"""annotator/gunicorn.conf.py: settings from the environment, a memory cap on each worker."""

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

CONFIG = Path(__file__).parent.parent / "annotator" / "gunicorn.conf.py"
SETTINGS = ("PORT", "WEB_CONCURRENCY", "GUNICORN_TIMEOUT", "GUNICORN_WORKER_MEMORY_MB")

# Runs the config as gunicorn does, then its post_fork hook as for a new worker; in a child
# process, since the cap it sets cannot be lifted again.
FORK_A_WORKER = """
import json, logging, resource, runpy, sys, types
config = runpy.run_path(sys.argv[1])
server = types.SimpleNamespace(log=logging.getLogger("gunicorn.error"))
config["post_fork"](server, types.SimpleNamespace(pid=1))
print(json.dumps({
    "bind": config["bind"], "workers": config["workers"], "timeout": config["timeout"],
    "memory": resource.getrlimit(resource.RLIMIT_AS)[0],
}))
"""


def fork_a_worker(**environment: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", FORK_A_WORKER, str(CONFIG)],
        capture_output=True,
        text=True,
        timeout=30,
        env={**{k: v for k, v in os.environ.items() if k not in SETTINGS}, **environment},
        check=True,
    )
    return json.loads(result.stdout)


def test_it_caps_each_worker_at_a_gigabyte_by_default():
    settings = fork_a_worker()
    assert settings == {"bind": "0.0.0.0:8000", "workers": 3, "timeout": 120, "memory": 1 << 30}


def test_it_takes_workers_timeout_and_memory_from_the_environment():
    settings = fork_a_worker(
        WEB_CONCURRENCY="5", GUNICORN_TIMEOUT="30", GUNICORN_WORKER_MEMORY_MB="512", PORT="9000"
    )
    assert settings == {"bind": "0.0.0.0:9000", "workers": 5, "timeout": 30, "memory": 512 << 20}


def test_a_memory_setting_of_zero_leaves_workers_uncapped():
    assert fork_a_worker(GUNICORN_WORKER_MEMORY_MB="0")["memory"] == resource.RLIM_INFINITY
