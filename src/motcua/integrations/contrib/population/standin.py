"""A stand-in population registry: a real HTTP server speaking ``motcua.population/1`` (``protocol``).

Documented in docs/components/population-standin.md. It checks the token, the content type, the body (a
12-digit personal identification number, ``rules.identity``; a purpose; the citizen's consent with its moment),
answers from the people it holds (a demo citizen, and whoever ``POST /_standin/people`` adds), keeps what it was
asked (``GET /_standin/received``: every lookup with its consent) and fails on request (``POST /_standin/fail``:
5xx, timeouts, resets — the webhook stand-in's failures). State lives in memory.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from http.server import ThreadingHTTPServer
from typing import Any

from motcua.integrations.contrib.population.protocol import LOOKUP_PATH, MAX_CONSENT, MAX_PURPOSE
from motcua.integrations.contrib.webhook.standin import Failure, StandinHandler, TakesFailures
from motcua.rules.identity import is_citizen_id

FAILURE_MODES = {"http500", "http503", "timeout", "reset"}
DATABASE_CODE = "CSDLQGDC"
#: The demo citizen (the identity stand-in's, issue 10): the same number and name.
DEMO_PEOPLE = {
    "001099012345": {
        "personal_id_number": "001099012345",
        "full_name": "Nguyễn Văn An",
        "birth_date": "1999-05-17",
        "address": "Tổ 5, phường Phan Đình Phùng, tỉnh Thái Nguyên",
    },
    "019099012345": {
        "personal_id_number": "019099012345",
        "full_name": "Nguyễn Văn An",
        "birth_date": "1999-03-02",
        "address": "Tổ 12, phường Phan Đình Phùng, tỉnh Thái Nguyên",
    },
}


@dataclass
class RegistryState(TakesFailures):
    token: str
    database: str = DATABASE_CODE
    lock: threading.Lock = field(default_factory=threading.Lock)
    people: dict[str, dict[str, Any]] = field(default_factory=lambda: {k: dict(v) for k, v in DEMO_PEOPLE.items()})
    lookups: list[dict[str, Any]] = field(default_factory=list)
    refused: list[dict[str, Any]] = field(default_factory=list)
    failed_on_purpose: list[dict[str, Any]] = field(default_factory=list)
    failure: Failure | None = None

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            return {
                "database": self.database,
                "lookups": list(self.lookups),
                "refused": list(self.refused),
                "failed_on_purpose": list(self.failed_on_purpose),
                "people": sorted(self.people),
                "failure": self.failure.describe() if self.failure else None,
            }


def lookup_problems(body: Any) -> list[str]:
    """What is wrong with a lookup request's body (empty when valid)."""
    if not isinstance(body, dict):
        return ["nội dung phải là một đối tượng JSON"]
    problems = []
    unknown = set(body) - {"personal_id_number", "purpose", "consent"}
    if unknown:
        problems.append(f"trường không hiểu: {', '.join(sorted(unknown))}")
    number = body.get("personal_id_number")
    if not isinstance(number, str) or not is_citizen_id(number):
        problems.append("personal_id_number phải gồm đúng 12 chữ số")
    purpose = body.get("purpose")
    if not isinstance(purpose, str) or not purpose.strip() or len(purpose) > MAX_PURPOSE:
        problems.append(f"purpose phải là văn bản từ 1 đến {MAX_PURPOSE} ký tự")
    consent = body.get("consent")
    if not isinstance(consent, dict):
        problems.append("thiếu consent (sự đồng ý của công dân)")
    else:
        reference, given = consent.get("reference"), consent.get("given_at")
        if not isinstance(reference, str) or not reference.strip() or len(reference) > MAX_CONSENT:
            problems.append(f"consent.reference phải là văn bản từ 1 đến {MAX_CONSENT} ký tự")
        try:
            moment = datetime.fromisoformat(given) if isinstance(given, str) else None
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None:
            problems.append("consent.given_at phải là thời điểm ISO 8601 có múi giờ")
    return problems


def person_problems(person: Any) -> list[str]:
    if not isinstance(person, dict) or not is_citizen_id(str(person.get("personal_id_number", ""))):
        return ["personal_id_number phải gồm đúng 12 chữ số"]
    if not isinstance(person.get("full_name"), str) or not person["full_name"].strip():
        return ["thiếu full_name"]
    birth = person.get("birth_date")
    try:
        if birth is not None:
            date.fromisoformat(birth)
    except (TypeError, ValueError):
        return ["birth_date phải có dạng YYYY-MM-DD"]
    return []


class RegistryHandler(StandinHandler):
    server: RegistryServer  # type: ignore[assignment]

    def log_message(self, format: str, *args: Any) -> None:
        print(f"population-standin: {format % args}", flush=True)

    def do_GET(self) -> None:
        if self.path.rstrip("/") == "/_standin/received":
            self._answer(200, self.server.state.snapshot())
        else:
            self._answer(405, {"reason": "chỉ nhận POST"})

    def _control(self, body: bytes) -> None:
        state = self.server.state
        path = self.path.rstrip("/")
        try:
            order = json.loads(body or b"{}")
            if path == "/_standin/clear":
                self.server.state = RegistryState(token=state.token, database=state.database)
                self._answer(200, {"cleared": True})
            elif path == "/_standin/people":
                problems = person_problems(order)
                if problems:
                    raise ValueError("; ".join(problems))
                with state.lock:
                    state.people[order["personal_id_number"]] = {
                        "personal_id_number": order["personal_id_number"],
                        "full_name": order["full_name"],
                        "birth_date": order.get("birth_date"),
                        "address": order.get("address", ""),
                    }
                self._answer(200, {"people": len(state.people)})
            elif path == "/_standin/fail":
                mode = order.get("mode", "http503")
                if mode == "off":
                    failure = None
                elif mode not in FAILURE_MODES:
                    raise ValueError(f"mode phải là một trong {sorted(FAILURE_MODES)} hoặc off")
                elif "count" in order:
                    failure = Failure(mode, count=int(order["count"]), delay=float(order.get("delay", 30)))
                else:
                    until = time.time() + float(order.get("seconds", 3600))
                    failure = Failure(mode, until=until, delay=float(order.get("delay", 30)))
                with state.lock:
                    state.failure = failure
                self._answer(200, {"failure": failure.describe() if failure else None})
            else:
                self._answer(404, {"reason": "không có địa chỉ này"})
        except (ValueError, TypeError, AttributeError, KeyError) as error:
            self._answer(400, {"reason": f"lệnh không hợp lệ: {error}"})

    def do_POST(self) -> None:
        body = self._read_body()
        if body is None:
            return
        if self.path.startswith("/_standin/"):
            self._control(body)
            return
        state = self.server.state
        if self.path.rstrip("/") != LOOKUP_PATH:
            self._answer(404, {"reason": "không có địa chỉ này"})
            return
        verdict = self._validate(body)
        if verdict is not None:
            with state.lock:
                state.refused.append({"status": verdict[0], "reason": verdict[1]})
            self._answer(verdict[0], {"reason": verdict[1]})
            return
        with state.lock:
            failure = state.take_failure()
            if failure is not None:
                state.failed_on_purpose.append({"mode": failure.mode, "at": time.time()})
        if failure is not None:
            self._fail(failure)
            return
        request = json.loads(body)
        number = request["personal_id_number"]
        with state.lock:
            person = state.people.get(number)
            state.lookups.append(
                {
                    "personal_id_number": number,
                    "purpose": request["purpose"],
                    "consent": request["consent"],
                    "found": person is not None,
                    "at": time.time(),
                }
            )
        if person is None:
            self._answer(404, {"found": False, "database": state.database})
        else:
            self._answer(200, {"found": True, "database": state.database, "person": dict(person)})

    def _validate(self, body: bytes) -> tuple[int, str] | None:
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if content_type != "application/json":
            return 415, "Content-Type phải là application/json"
        if self.headers.get("Authorization", "") != f"Bearer {self.server.state.token}":
            return 401, "khóa truy cập (Authorization: Bearer …) không đúng"
        try:
            request = json.loads(body)
        except ValueError:
            return 400, "nội dung không phải JSON"
        problems = lookup_problems(request)
        return (400, "; ".join(problems)) if problems else None


class RegistryServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], token: str, database: str = DATABASE_CODE) -> None:
        super().__init__(address, RegistryHandler)
        self.state = RegistryState(token=token, database=database)
