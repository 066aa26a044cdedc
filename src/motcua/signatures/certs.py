"""Certificates from PEM or DER, with asn1crypto only (no pyHanko import: see ``verdicts``)."""

from __future__ import annotations

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509


def der_certificates(data: bytes) -> list[asn1_x509.Certificate]:
    """Certificates from PEM (one or many) or one DER."""
    if pem.detect(data):
        return [asn1_x509.Certificate.load(der) for _, _, der in pem.unarmor(data, multiple=True)]
    return [asn1_x509.Certificate.load(data)]
