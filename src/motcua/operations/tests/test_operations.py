"""Operations (issue 15): /healthz, the Prometheus metrics, and production refusing to start unsafe."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.test import Client
from django.utils import timezone

from motcua.accounts.models import User
from motcua.dossiers.services import open_dossier
from motcua.dossiers.tests.fixtures import counter_intake, offering_of
from motcua.integrations.models import OutboxMessage, WorkerHeartbeat
from motcua.operations.checks import production_problems, refuse_unsafe_start

#: the production settings name a Redis server for the shared cache (nothing connects to it in these tests)
REDIS = "redis://127.0.0.1:6379/0"

pytestmark = pytest.mark.django_db


def test_healthz_is_unhealthy_without_a_worker_then_healthy_once_one_beats() -> None:
    answer = Client().get("/healthz")
    assert answer.status_code == 503
    assert answer.json()["database"] is True
    assert answer.json()["worker"] == {"ok": False, "last_seen": None, "age_seconds": None}
    WorkerHeartbeat.objects.create(worker_id="w1", seen_at=timezone.now())
    answer = Client().get("/healthz")
    assert answer.status_code == 200, answer.json()
    assert answer.json()["ok"] is True
    assert answer["Cache-Control"].startswith("max-age=0")


def test_healthz_says_when_the_worker_is_gone(settings: Any) -> None:
    settings.MOTCUA_HEALTH_WORKER_STALE_SECONDS = 60
    WorkerHeartbeat.objects.create(worker_id="w1", seen_at=timezone.now() - timedelta(seconds=90))
    answer = Client().get("/healthz")
    assert answer.status_code == 503
    assert answer.json()["worker"]["ok"] is False
    assert answer.json()["worker"]["age_seconds"] >= 90


def test_healthz_says_when_the_outbox_lags(settings: Any) -> None:
    settings.MOTCUA_HEALTH_OUTBOX_LAG_SECONDS = 600
    WorkerHeartbeat.objects.create(worker_id="w1", seen_at=timezone.now())
    OutboxMessage.objects.create(
        destination="webhook",
        idempotency_key="webhook:x:1",
        ordering_key="x",
        payload={},
        created_at=timezone.now() - timedelta(minutes=20),
        next_attempt_at=timezone.now() - timedelta(minutes=20),
    )
    answer = Client().get("/healthz")
    assert answer.status_code == 503
    assert answer.json()["outbox"]["pending"] == 1
    assert answer.json()["outbox"]["lag_seconds"] >= 1200


@pytest.mark.django_db(transaction=True)  # the worker closes its connections between tasks
def test_the_worker_beats() -> None:
    from django.core.management import call_command

    call_command("worker", until_idle=True, verbosity=0)
    assert WorkerHeartbeat.objects.count() == 1


def test_metrics_for_prometheus(commune: Any, staff: dict[str, User]) -> None:
    open_dossier(counter_intake(offering_of("2.001035", commune)), user=staff["counter"])
    Client().get("/healthz")
    answer = Client().get("/metrics")
    assert answer.status_code == 200
    text = answer.content.decode()
    assert 'motcua_actions_total{type="receive"}' in text
    assert 'motcua_intakes_total{channel="counter"}' in text
    assert 'motcua_outbox_messages{state="pending"}' in text
    assert "motcua_worker_heartbeat_age_seconds -1.0" in text
    assert "django_http_requests_latency_seconds_by_view_method_bucket" in text


def test_metrics_only_for_the_allowed_networks(settings: Any) -> None:
    settings.MOTCUA_METRICS_ALLOWED_NETWORKS = ["10.9.0.0/16"]
    assert Client(REMOTE_ADDR="10.9.3.4").get("/metrics").status_code == 200
    assert Client(REMOTE_ADDR="203.0.113.5").get("/metrics").status_code == 403


# --------------------------------------------------------------------------------------------------
# production refuses to start unsafe


def test_nothing_is_refused_outside_production(settings: Any) -> None:
    settings.MOTCUA_PRODUCTION = False
    assert production_problems() == []


def test_production_with_debug_a_short_key_and_a_demo_password_is_refused(settings: Any) -> None:
    settings.MOTCUA_PRODUCTION, settings.DEBUG, settings.SECRET_KEY = True, True, "short"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS}}
    User.objects.create_user("admin", password="motcua-demo")
    problems = production_problems()
    assert len(problems) == 3
    assert problems[0].startswith("MOTCUA_DEBUG đang bật")
    assert problems[1].startswith("MOTCUA_SECRET_KEY là khoá của bản chạy thử hoặc quá ngắn")
    assert problems[2].startswith("Tài khoản «admin» còn dùng mật khẩu của bản chạy thử")
    with pytest.raises(ImproperlyConfigured, match="không khởi động"):
        refuse_unsafe_start()


def test_production_with_safe_settings_starts(settings: Any) -> None:
    settings.MOTCUA_PRODUCTION, settings.DEBUG, settings.SECRET_KEY = True, False, secrets.token_urlsafe(50)
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS}}
    User.objects.create_user("admin", password=secrets.token_urlsafe(16))
    assert production_problems() == []
    refuse_unsafe_start()


def test_production_with_a_cache_per_process_is_refused(settings: Any) -> None:
    """Rate limits counted per gunicorn worker would multiply every limit by the workers: not production."""
    settings.MOTCUA_PRODUCTION, settings.DEBUG, settings.SECRET_KEY = True, False, secrets.token_urlsafe(50)
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    (problem,) = production_problems()
    assert "MOTCUA_REDIS_URL" in problem


def production_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MOTCUA_", "DATABASE_URL", "DJANGO_SETTINGS"))}
    return (
        env
        | {
            "MOTCUA_PRODUCTION": "1",
            "MOTCUA_DEBUG": "0",
            "MOTCUA_SECRET_KEY": secrets.token_urlsafe(50),
            "MOTCUA_ALLOWED_HOSTS": "dichvucong.thainguyen.gov.vn",
            "MOTCUA_VAR_DIR": str(tmp_path),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
            "MOTCUA_REDIS_URL": REDIS,  # the rate limits' shared counters (docs/deploy.md)
        }
        | overrides
    )


def test_check_deploy_with_the_documented_production_settings_finds_nothing(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "motcua.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    # one check is silenced, and only that one: axes' W006 (a lock by username only, no address: docs/decisions.md)
    assert "System check identified no issues (1 silenced)." in done.stdout
    assert django_settings.SILENCED_SYSTEM_CHECKS == ["axes.W006"]


def test_the_wsgi_application_refuses_to_start_in_production_with_debug_on(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", "import motcua.wsgi"],
        env=production_env(tmp_path, MOTCUA_DEBUG="1"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "ImproperlyConfigured: motcua không khởi động ở chế độ vận hành: MOTCUA_DEBUG đang bật" in done.stderr


# --------------------------------------------------------------------------------------------------
# passwords and sessions


def test_an_all_digit_password_is_refused() -> None:
    with pytest.raises(ValidationError) as refused:
        validate_password("98237461")
    assert "password_entirely_numeric" in {error.code for error in refused.value.error_list}


def test_sessions_last_hours_not_weeks(settings: Any) -> None:
    assert settings.SESSION_COOKIE_AGE <= 8 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
