"""766 indicators 3.4, 3.5 and 3.6 (RULES.md §7) with a payment gateway configured, on the scenario of
``test_service_index`` (its module docstring has the dossiers A–J of 2.001035 at the ward), worked by hand.

The catalogue (``rules.payments.procedure_payment_counts``): the ward offers 19 procedures; 17 charge a fee
(all but 1.011607, 0 đ, and 2.002481, no line); 4 of them price every line — 2.000815 (2.000 đ), 2.000884
(10.000 đ), 2.001035 (50.000 đ), 1.004222 (10.000 and 20.000 đ); the other 13 have a line "not determined"
(e.g. H55-X13's registration charge, decided by the provincial council), which cannot be charged online.
The province: 29 procedures charge a fee, 10 price every line.

Payments: A (received 06/10) paid through VNPay; B (received 06/10) paid at the counter; J (received 30/09)
paid through VNPay. All three are paid today; 3.6 and 3.5 place a payment by the dossier's receipt day.

October, the ward, VNPay configured:
- 3.4 = 4/17 = 0.2353, full at 0.8 → 2 × 0.2353 / 0.8 = 0.588 → **0.59**;
- 3.5 = procedures among those 4 with a payment through a gateway in October: 2.001035 (A) → 1/4 = 0.25 →
  2 × 0.25 / 0.8 = 0.625 → **0.63** (half up); J's payment is September's, B's was at the counter;
- 3.6 = paid online 1 (A) ÷ received with a fee 9 (A–I) = 0.1111, full at 0.3 → 6 × 0.1111 / 0.3 = 2.222 →
  **2.22**.
September, the ward: 3.5 = 1/4 (J) → 0.63; 3.6 = 1 (J) ÷ 1 (J) → 6.00.
October, the province: 3.4 = 10/29 = 0.3448 → 2 × 0.3448 / 0.8 = 0.862 → **0.86**; 3.5 = 1/10 → 2 × 0.1 / 0.8 =
**0.25**.
Without a gateway the same catalogue integrates nothing: 3.4 = 0/17, 3.5 n/a (``test_service_index``).
"""

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from motcua.accounts.models import User
from motcua.catalog.models import Agency
from motcua.dossiers.models import Dossier
from motcua.dossiers.projections import counters_from_log, stored_counters
from motcua.metrics.selectors import Scope, service_index
from motcua.metrics.tests.test_service_index import OCTOBER, TODAY, scenario  # noqa: F401  (the fixture)
from motcua.payments import services
from motcua.payments.tests.conftest import TMN_CODE, VNPAY_SECRET
from motcua.payments.tests.test_vnpay import ipn_params
from motcua.rules.service_index import month


@pytest.fixture
def vnpay_configured(settings: Any) -> None:
    """VNPay's settings (starting an attempt only signs an address: no gateway is called here)."""
    settings.MOTCUA_VNPAY_TMN_CODE = TMN_CODE
    settings.MOTCUA_VNPAY_HASH_SECRET = VNPAY_SECRET
    settings.MOTCUA_VNPAY_PAYMENT_URL = "http://127.0.0.1:9/paymentv2/vpcpay.html"
    settings.MOTCUA_VNPAY_API_URL = "http://127.0.0.1:9/merchant_webapi/api/transaction"


def pay_online(dossier: Dossier, officer: User) -> None:
    payment = services.start_payment(dossier, officer, "vnpay", client_ip="127.0.0.1", return_url="http://t/r")
    answer = Client().get("/payments/vnpay/ipn", ipn_params(payment)).json()
    assert answer["RspCode"] == "00"


def figures(result: Any, id: str) -> tuple[int | None, int | None, Decimal | None]:
    found = result.indicator(id)
    return found.numerator, found.denominator, found.points


def test_procedures_integrated_and_paid_online(
    scenario: dict[str, Dossier],  # noqa: F811
    commune: Agency,
    staff: dict[str, User],
    vnpay_configured: None,
) -> None:
    pay_online(scenario["A"], staff["counter"])
    services.record_counter_payment(scenario["B"], staff["counter"], receipt_number="BL-0001", method="cash")
    pay_online(scenario["J"], staff["counter"])
    ward = Scope(agency=commune)
    october = service_index(ward, *OCTOBER, today=TODAY)
    assert figures(october, "3.4") == (4, 17, Decimal("0.59"))
    assert figures(october, "3.5") == (1, 4, Decimal("0.63"))
    assert figures(october, "3.6") == (1, 9, Decimal("2.22"))
    september = service_index(ward, *month(2025, 9), today=TODAY)
    assert figures(september, "3.5") == (1, 4, Decimal("0.63"))
    assert figures(september, "3.6") == (1, 1, Decimal("6.00"))
    province = service_index(Scope(), *OCTOBER, today=TODAY)
    assert figures(province, "3.4") == (10, 29, Decimal("0.86"))
    assert figures(province, "3.5") == (1, 10, Decimal("0.25"))
    assert counters_from_log() == stored_counters()  # rebuild == incremental
