"""The catalogue: agencies, fields, procedures, per-agency offerings and their process templates."""

from motcua.catalog.models.agency import Agency, AgencyKind, Level
from motcua.catalog.models.offering import (
    Channel,
    Fee,
    FeeKind,
    Offering,
    OfferingChannel,
    ProcessStep,
    ProcessTemplate,
)
from motcua.catalog.models.procedure import (
    DocumentForm,
    Field,
    OnlineLevel,
    Procedure,
    ProcedureLevel,
    ProcedureStatus,
    RequiredDocument,
)
from motcua.catalog.models.version import CatalogVersion

__all__ = [
    "Agency",
    "AgencyKind",
    "CatalogVersion",
    "Channel",
    "DocumentForm",
    "Fee",
    "FeeKind",
    "Field",
    "Level",
    "Offering",
    "OfferingChannel",
    "OnlineLevel",
    "Procedure",
    "ProcedureLevel",
    "ProcedureStatus",
    "ProcessStep",
    "ProcessTemplate",
    "RequiredDocument",
]
