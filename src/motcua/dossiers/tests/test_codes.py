"""Dossier codes: one sequence per agency per day, never the same number twice, even under concurrency."""

import threading
from datetime import datetime

import pytest
from django.db import connections

from motcua.catalog.models import Agency
from motcua.dossiers.services import allocate_dossier_code
from motcua.rules.codes import parse_dossier_code
from motcua.rules.workdays import VIETNAM_TZ


def make_agency(identifier: str = "000.00.12.H55") -> Agency:
    return Agency.objects.create(identifier=identifier, name=f"Cơ quan {identifier}", level="province")


@pytest.mark.django_db
def test_sequence_per_agency_per_day() -> None:
    first, other = make_agency(), make_agency("000.00.13.H55")
    day = datetime(2025, 3, 15, 9, 0, tzinfo=VIETNAM_TZ)
    assert allocate_dossier_code(first, day) == "000.00.12.H55-250315-0001"
    assert allocate_dossier_code(first, day) == "000.00.12.H55-250315-0002"
    assert allocate_dossier_code(other, day) == "000.00.13.H55-250315-0001"
    assert allocate_dossier_code(first, datetime(2025, 3, 16, 8, 0, tzinfo=VIETNAM_TZ)) == "000.00.12.H55-250316-0001"


@pytest.mark.django_db
def test_the_local_date_decides() -> None:
    agency = make_agency()
    late_evening_utc = datetime.fromisoformat("2025-03-15T18:30:00+00:00")
    assert allocate_dossier_code(agency, late_evening_utc).split("-")[1] == "250316"  # 01:30 on the 16th in Hà Nội


@pytest.mark.django_db(transaction=True)
def test_concurrent_allocation_never_repeats_a_number() -> None:
    agency = make_agency()
    received = datetime(2025, 3, 15, 9, 0, tzinfo=VIETNAM_TZ)
    threads, per_thread = 8, 25
    codes: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    barrier = threading.Barrier(threads)

    def work() -> None:
        try:
            barrier.wait()
            mine = [allocate_dossier_code(agency, received) for _ in range(per_thread)]
            with lock:
                codes.extend(mine)
        except BaseException as error:  # reported below: a thread must not fail silently
            errors.append(error)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    assert len(codes) == len(set(codes)) == threads * per_thread
    assert sorted(parse_dossier_code(code).sequence for code in codes) == list(range(1, threads * per_thread + 1))
