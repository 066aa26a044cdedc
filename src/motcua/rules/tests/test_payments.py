"""Payment signatures and the payment state machine, against vectors computed outside the code under test.

The expected hex strings below were computed in a shell with OpenSSL and coreutils, from the data strings
written out by hand (sorted, form-urlencoded as RULES.md §12 says), not with ``rules.vnpay`` / ``rules.paygov``:

    printf '%s' "$DATA" | openssl dgst -sha512 -hmac "$SECRET"       # VNPay vnp_SecureHash
    printf '%s' 'PAY|00|…|PAYGOVSECRET' | sha256sum                   # the national platform's MaXacThuc
"""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import parse_qsl, urlencode

from hypothesis import given
from hypothesis import strategies as st

from motcua.rules import paygov, vnpay
from motcua.rules.payments import (
    FINAL_STATES,
    TRANSITIONS,
    PaymentState,
    charges_a_fee,
    collected_at_submission,
    final_path,
    fold_order_info,
    may_move,
    payable_lines,
    procedure_payment_counts,
    total,
)

SECRET = "TESTSECRETVNPAY0123456789ABCDEFG"
PAYMENT = {
    "vnp_Version": "2.1.0",
    "vnp_Command": "pay",
    "vnp_TmnCode": "MOTCUA01",
    "vnp_Amount": "2000000",
    "vnp_CreateDate": "20261201103000",
    "vnp_ExpireDate": "20261201104500",
    "vnp_CurrCode": "VND",
    "vnp_IpAddr": "127.0.0.1",
    "vnp_Locale": "vn",
    "vnp_OrderInfo": "Thanh toan ho so 000.00.12.H55-261201-0001",
    "vnp_OrderType": "billpayment",
    "vnp_ReturnUrl": "http://127.0.0.1:8000/payments/vnpay/return",
    "vnp_TxnRef": "P261201ABCDEF",
}
HAND_WRITTEN_DATA = (
    "vnp_Amount=2000000&vnp_Command=pay&vnp_CreateDate=20261201103000&vnp_CurrCode=VND&vnp_ExpireDate=20261201104500"
    "&vnp_IpAddr=127.0.0.1&vnp_Locale=vn&vnp_OrderInfo=Thanh+toan+ho+so+000.00.12.H55-261201-0001"
    "&vnp_OrderType=billpayment&vnp_ReturnUrl=http%3A%2F%2F127.0.0.1%3A8000%2Fpayments%2Fvnpay%2Freturn"
    "&vnp_TmnCode=MOTCUA01&vnp_TxnRef=P261201ABCDEF&vnp_Version=2.1.0"
)
OPENSSL_PAYMENT_HASH = (
    "e94fc598d31f4f2c14e158921e026bf9cba9334520d1c0fb318496a583996ab8"
    "7a647cef7444c101002d85cc180bb73c729caa06d283e095e34e05c71afdbddb"
)
OPENSSL_QUERYDR_HASH = (
    "cf7e2f8e30a9928b4eb35f333cc33b448ce084ecee3f996858ef504c0656c454"
    "87af4a0f3d48d91996a0cda5e324f43366e775c42f612deb08c08eaa2ec03b0d"
)
SHA256SUM_CALLBACK = "8fb379b1484e42e93e736b9a2b3d2908c34112128aff39f0248deab217d0c8aa"
SHA256SUM_QUERY = "1515a8c21de3f28de263242f2e172983224cadc5a562c5cc22dc125eebadc375"


# --------------------------------------------------------------------------------------------------
# VNPay (RULES.md §12)


def test_vnpay_hash_data_is_sorted_and_form_urlencoded() -> None:
    assert vnpay.hash_data(PAYMENT) == HAND_WRITTEN_DATA


def test_vnpay_payment_signature_matches_openssl() -> None:
    assert vnpay.sign(PAYMENT, SECRET) == OPENSSL_PAYMENT_HASH
    assert vnpay.verify(PAYMENT | {"vnp_SecureHash": OPENSSL_PAYMENT_HASH}, SECRET)
    assert vnpay.verify(PAYMENT | {"vnp_SecureHash": OPENSSL_PAYMENT_HASH.upper()}, SECRET)  # hex case is not data


def test_vnpay_signature_ignores_the_hash_fields_empty_values_and_foreign_keys() -> None:
    noisy = PAYMENT | {"vnp_SecureHashType": "HmacSHA512", "vnp_BankCode": "", "page": "2"}
    assert vnpay.sign(noisy, SECRET) == OPENSSL_PAYMENT_HASH


def test_vnpay_payment_query_ends_with_the_hash() -> None:
    query = vnpay.payment_query(PAYMENT, SECRET)
    assert query == f"{HAND_WRITTEN_DATA}&vnp_SecureHash={OPENSSL_PAYMENT_HASH}"
    assert dict(parse_qsl(query)) == PAYMENT | {"vnp_SecureHash": OPENSSL_PAYMENT_HASH}


def test_vnpay_querydr_signature_matches_openssl() -> None:
    body = {
        "vnp_RequestId": "REQ1",
        "vnp_Version": "2.1.0",
        "vnp_Command": "querydr",
        "vnp_TmnCode": "MOTCUA01",
        "vnp_TxnRef": "P261201ABCDEF",
        "vnp_TransactionDate": "20261201103000",
        "vnp_CreateDate": "20261201120000",
        "vnp_IpAddr": "127.0.0.1",
        "vnp_OrderInfo": "Truy van P261201ABCDEF",
    }
    assert vnpay.sign_fields(body, vnpay.QUERYDR_FIELDS, SECRET) == OPENSSL_QUERYDR_HASH


def test_vnpay_any_changed_value_breaks_the_signature() -> None:
    signed = PAYMENT | {"vnp_SecureHash": OPENSSL_PAYMENT_HASH}
    for key in PAYMENT:
        assert not vnpay.verify(signed | {key: PAYMENT[key] + "0"}, SECRET), key
    assert not vnpay.verify(signed, SECRET + "x")
    assert not vnpay.verify(PAYMENT, SECRET)  # no hash at all


def test_vnpay_paid_only_when_both_codes_are_00() -> None:
    assert vnpay.paid({"vnp_ResponseCode": "00", "vnp_TransactionStatus": "00"})
    assert not vnpay.paid({"vnp_ResponseCode": "00", "vnp_TransactionStatus": "02"})
    assert not vnpay.paid({"vnp_ResponseCode": "24", "vnp_TransactionStatus": "00"})
    assert not vnpay.paid({"vnp_ResponseCode": "00"})


def test_vnpay_amounts_are_vnd_times_100() -> None:
    assert vnpay.amount_field(20000) == "2000000"
    assert vnpay.amount_vnd("2000000") == 20000
    assert vnpay.amount_vnd("2000050") is None  # not a whole number of đồng
    assert vnpay.amount_vnd("-100") is None
    assert vnpay.amount_vnd("") is None


_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60)
_KEYS = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_"), min_size=1, max_size=12)


@given(order_text=_TEXT, extra=st.dictionaries(_KEYS, _TEXT, max_size=6), seed=st.randoms())
def test_vnpay_sign_then_verify_round_trips_for_any_text_and_any_parameter_order(
    order_text: str, extra: dict[str, str], seed: object
) -> None:
    """Whatever the order text (even unfolded Vietnamese, ``~``, ``*``) and in whatever order the parameters
    arrive — through a URL and back, as the IPN does — the signature verifies; one changed value breaks it."""
    params = PAYMENT | {"vnp_OrderInfo": order_text} | {f"vnp_{k}": v for k, v in extra.items()}
    signed = params | {"vnp_SecureHash": vnpay.sign(params, SECRET)}
    items = list(signed.items())
    seed.shuffle(items)  # type: ignore[attr-defined]
    received = dict(parse_qsl(urlencode(items), keep_blank_values=True))
    assert vnpay.verify(received, SECRET)
    assert not vnpay.verify(received | {"vnp_Amount": "2000100"}, SECRET)


@given(data=st.dictionaries(_KEYS, _TEXT, min_size=1, max_size=8))
def test_vnpay_signature_is_hmac_sha512_of_the_sorted_data(data: dict[str, str]) -> None:
    params = {f"vnp_{k}": v for k, v in data.items()}
    assert (
        vnpay.sign(params, SECRET) == hmac.new(SECRET.encode(), vnpay.hash_data(params).encode(), "sha512").hexdigest()
    )
    keys = [part.split("=", 1)[0] for part in vnpay.hash_data(params).split("&") if part]
    assert keys == sorted(k for k, v in params.items() if v)


# --------------------------------------------------------------------------------------------------
# the national payment platform (RULES.md §11)


def test_paygov_callback_checksum_matches_sha256sum() -> None:
    values = {
        "LoaiBanTin": "PAY",
        "MaLoi": "00",
        "MaDoiTac": "MOTCUA",
        "MaThamChieu": "P261201ABCDEF",
        "SoTien": "20000",
        "MaTienTe": "VND",
        "MaGiaoDich": "15000001",
        "MaNganHang": "NCB",
        "ThoiGianGD": "20261201103512",
        "ThongTinGiaoDich": "PAYMENT",
    }
    assert paygov.checksum(values, paygov.CALLBACK_FIELDS, "PAYGOVSECRET") == SHA256SUM_CALLBACK
    assert paygov.verify(values | {"MaXacThuc": SHA256SUM_CALLBACK}, paygov.CALLBACK_FIELDS, "PAYGOVSECRET")
    assert not paygov.verify(values | {"MaXacThuc": SHA256SUM_CALLBACK}, paygov.CALLBACK_FIELDS, "other")
    assert not paygov.verify(
        values | {"SoTien": "2000", "MaXacThuc": SHA256SUM_CALLBACK}, paygov.CALLBACK_FIELDS, "PAYGOVSECRET"
    )


def test_paygov_query_checksum_matches_sha256sum_and_is_not_hmac() -> None:
    values = {
        "LoaiBanTin": "QUERY",
        "PhienBan": "1.0.6",
        "MaDoiTac": "MOTCUA",
        "MaThamChieu": "P261201ABCDEF",
        "ThoiGianGD": "20261201103000",
    }
    digest = paygov.checksum(values, paygov.QUERY_FIELDS, "PAYGOVSECRET")
    assert digest == SHA256SUM_QUERY
    message = "QUERY|1.0.6|MOTCUA|P261201ABCDEF|20261201103000"
    assert digest != hmac.new(b"PAYGOVSECRET", message.encode(), hashlib.sha256).hexdigest()


@given(values=st.lists(_TEXT, min_size=len(paygov.CALLBACK_FIELDS), max_size=len(paygov.CALLBACK_FIELDS)))
def test_paygov_checksum_round_trips_and_follows_the_field_order(values: list[str]) -> None:
    message = dict(zip(paygov.CALLBACK_FIELDS, values, strict=True))
    signed = message | {"MaXacThuc": paygov.checksum(message, paygov.CALLBACK_FIELDS, "s")}
    reordered = dict(reversed(list(signed.items())))  # the order of the JSON keys does not matter
    assert paygov.verify(reordered, paygov.CALLBACK_FIELDS, "s")
    expected = hashlib.sha256("|".join([*values, "s"]).encode()).hexdigest()
    assert signed["MaXacThuc"] == expected


def test_paygov_time_is_24_hour() -> None:
    from datetime import datetime

    assert paygov.timestamp(datetime(2026, 12, 1, 15, 4, 5, tzinfo=paygov.GMT7)) == "20261201150405"


# --------------------------------------------------------------------------------------------------
# the state machine and the fee lines


def test_transition_table_by_hand() -> None:
    s = PaymentState
    assert may_move(s.CREATED, s.STARTED)
    assert may_move(s.STARTED, s.SUCCEEDED)
    assert may_move(s.SUCCEEDED, s.REFUNDED)
    for final in (s.FAILED, s.EXPIRED, s.CANCELLED, s.REFUNDED):
        assert not any(may_move(final, target) for target in s), final
    assert [t for t in s if may_move(s.SUCCEEDED, t)] == [s.REFUNDED]
    assert not may_move(s.STARTED, s.REFUNDED)
    assert set(TRANSITIONS) == set(s) - {s.CREATED}


@given(st.lists(st.sampled_from(list(PaymentState)), max_size=12))
def test_a_final_state_is_never_left_but_by_a_refund(moves: list[PaymentState]) -> None:
    for n in range(1, len(moves) + 1):
        before, after = final_path(moves[: n - 1]), final_path(moves[:n])
        if before in FINAL_STATES and after != before:
            assert (before, after) == (PaymentState.SUCCEEDED, PaymentState.REFUNDED)
    # repeating a move (a replayed callback) changes nothing more than doing it once
    assert final_path(moves + moves[-1:]) == final_path(moves)


def test_fold_order_info_keeps_to_the_allowed_characters() -> None:
    assert fold_order_info("Thanh toán hồ sơ 000.00.12.H55-261201-0001 (Đăng ký khai sinh)") == (
        "Thanh toan ho so 000.00.12.H55-261201-0001 Dang ky khai sinh"
    )
    assert fold_order_info("Lệ phí ~ * & % #: 20.000đ") == "Le phi : 20.000d"
    assert len(fold_order_info("x" * 400)) == 255


@given(_TEXT)
def test_folded_order_info_only_has_allowed_characters(text: str) -> None:
    folded = fold_order_info(text)
    assert all(ch.isascii() and (ch.isalnum() or ch in " .-_:") for ch in folded)
    assert fold_order_info(folded) == folded


def test_payable_lines_skip_unknown_and_free_lines() -> None:
    fees = [
        {"id": 1, "kind": "charge", "name": "Lệ phí", "amount_vnd": "20000"},
        {"id": 2, "kind": "fee", "name": "Phí bản sao", "amount_vnd": None},
        {"id": 3, "kind": "fee", "name": "Miễn", "amount_vnd": "0"},
        {"id": 4, "kind": "fee", "name": "Phí", "amount_vnd": "8000"},
    ]
    lines = payable_lines(fees)
    assert [line.id for line in lines] == [1, 4]
    assert total(lines) == 28000


def _fees(*amounts: object) -> list[dict[str, object]]:
    return [{"amount_vnd": amount} for amount in amounts]


def test_when_fees_are_collected_by_hand() -> None:
    """A fee at all: a line above 0 or of an unknown amount. Up front (and integrable online): every line priced,
    one above 0."""
    table = [
        ((), False, False),  # no line
        (("0",), False, False),  # free
        ((None,), True, False),  # decided elsewhere: a fee, not priced
        (("50000",), True, True),
        (("0", "50000"), True, True),
        ((None, "300000", "1000000"), True, False),  # H55-X13: one line not determined
        (("", "2000"), True, False),  # an empty amount is unknown
    ]
    for amounts, fee, up_front in table:
        assert (charges_a_fee(_fees(*amounts)), collected_at_submission(_fees(*amounts))) == (fee, up_front), amounts


def test_procedure_payment_counts_by_hand() -> None:
    """Procedure 1 at two agencies, priced at one of them: integrated (counted once); 2 priced, paid online;
    3 not priced (paid online anyway, at the counter's amount — not integrated, so not in 3.5); 4 free."""
    offerings = [
        (1, _fees(None)),
        (1, _fees("2000")),
        (2, _fees("50000")),
        (3, _fees(None, "10000")),
        (4, _fees("0")),
    ]
    counts = procedure_payment_counts(offerings, gateway=True, paid=[2, 3])
    assert (counts.with_fees, counts.payable_online, counts.paid_online) == (3, 2, 1)
    none = procedure_payment_counts(offerings, gateway=False, paid=[2, 3])
    assert (none.with_fees, none.payable_online, none.paid_online) == (3, 0, 0)


@given(
    st.lists(
        st.tuples(st.integers(1, 6), st.lists(st.sampled_from([None, "0", "1000", "50000"]), max_size=3)),
        max_size=12,
    ),
    st.booleans(),
    st.sets(st.integers(1, 6)),
)
def test_procedure_payment_counts_nest(offerings: list, gateway: bool, paid: set[int]) -> None:
    """3.5's numerator ⊆ 3.4's numerator ⊆ 3.4's denominator, against a slow reference."""
    found = procedure_payment_counts([(p, _fees(*a)) for p, a in offerings], gateway=gateway, paid=paid)
    with_fees = {p for p, a in offerings if any(x is None or int(x) > 0 for x in a)}
    priced = {p for p, a in offerings if a and None not in a and any(int(x) > 0 for x in a)} if gateway else set()
    assert (found.with_fees, found.payable_online, found.paid_online) == (
        len(with_fees),
        len(priced),
        len(priced & paid),
    )
    assert found.paid_online <= found.payable_online <= found.with_fees
