"""The trust list and revocation lists, from the settings (``MOTCUA_SIGNING_TRUST_ROOTS``, ``MOTCUA_SIGNING_CRLS``):
files of PEM certificates and DER/PEM CRLs. The demo's default is its own CA (debug mode only, settings.py)."""

from __future__ import annotations

from pathlib import Path

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from django.conf import settings

from motcua.signatures.certs import der_certificates


def trust_roots() -> list[asn1_x509.Certificate]:
    roots: list[asn1_x509.Certificate] = []
    for name in settings.MOTCUA_SIGNING_TRUST_ROOTS:
        path = Path(name)
        if path.is_file():
            roots.extend(der_certificates(path.read_bytes()))
    return roots


def crls() -> list[bytes]:
    found = []
    for name in settings.MOTCUA_SIGNING_CRLS:
        path = Path(name)
        if path.is_file():
            data = path.read_bytes()
            if pem.detect(data):
                found.extend(der for _, _, der in pem.unarmor(data, multiple=True))
            else:
                found.append(data)
    return found
