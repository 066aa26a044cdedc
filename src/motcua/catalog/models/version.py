"""A token that changes with every change to the catalogue, so that processes can cache what they read.

Intake reads an offering with its channels, process template and required documents: five queries that
cost as much as the rest of an intake together. Each process keeps them, and checks one tiny row to know
whether they are still right. The token is random rather than a counter, so that a change rolled back and
made again never looks like the version a process already holds.
"""

from __future__ import annotations

from django.db import models


class CatalogVersion(models.Model):
    token = models.CharField(max_length=32)

    class Meta:
        verbose_name = "catalogue version"

    def __str__(self) -> str:
        return self.token
