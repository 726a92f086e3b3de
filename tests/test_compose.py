"""docker-compose.yml describes the multi-server deployment: two app replicas behind an nginx
proxy, a worker from the same image, PostgreSQL and Redis, each with a health check, and
nothing kept on an app server's own disk. Read as YAML: this machine and CI have the Docker
client without its compose plugin, so `docker compose config` cannot run here."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = ROOT / "docker-compose.yml"
NGINX = ROOT / "deploy" / "nginx.conf"
APP_SERVICES = ("app", "worker", "migrate", "app-production")


def _compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def test_two_app_replicas_run_behind_an_official_nginx_image():
    services = _compose()["services"]
    assert services["app"]["deploy"]["replicas"] == 2
    assert "ports" not in services["app"]  # reached only through the proxy
    proxy = services["proxy"]
    assert re.fullmatch(r"nginx:[\w.-]+", proxy["image"])
    assert proxy["depends_on"]["app"]["condition"] == "service_healthy"
    assert proxy["ports"] == ["127.0.0.1:8000:80"]
    assert "./deploy/nginx.conf:/etc/nginx/conf.d/default.conf:ro" in proxy["volumes"]


def test_the_proxy_sends_requests_to_the_app_service_port():
    config = NGINX.read_text()
    upstream = re.search(r"upstream (\w+) \{\s*server ([\w-]+):(\d+)", config)
    assert upstream is not None
    name, host, port = upstream.groups()
    assert (host, port) == ("app", "8000")  # gunicorn.conf.py's default PORT
    assert f"proxy_pass http://{name};" in config
    assert "X-Forwarded-For" in config


def test_app_worker_and_migrations_share_one_image_and_one_environment():
    services = _compose()["services"]
    images = {services[name]["image"] for name in APP_SERVICES}
    builds = {services[name]["build"] for name in APP_SERVICES}
    assert (images, builds) == ({"claimscope:latest"}, {"."})
    for name in APP_SERVICES:
        environment = services[name]["environment"]
        assert environment["DATABASE_URL"].startswith("postgres://")
        assert environment["REDIS_URL"] == "redis://redis:6379/0"
    assert services["worker"]["command"][:3] == ["python", "manage.py", "db_worker"]
    assert services["migrate"]["command"] == ["python", "manage.py", "migrate", "--noinput"]
    assert services["migrate"]["restart"] == "no"
    for name in ("app", "worker"):
        assert services[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }


def test_every_long_running_service_has_a_health_check():
    services = _compose()["services"]
    for name, service in services.items():
        if name == "migrate":
            continue
        check = service.get("healthcheck", {})
        assert check.get("test"), f"{name} has no health check"


def test_no_app_server_keeps_anything_on_its_own_disk():
    compose = _compose()
    for name in APP_SERVICES:
        assert "volumes" not in compose["services"][name], name
        assert compose["services"][name]["environment"]["ORIGINALS_STORAGE"].endswith("database}")
    assert set(compose["volumes"]) == {"pgdata"}  # the database's own
