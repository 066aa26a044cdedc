"""``motcua.population/1``: how motcua asks a population registry for a person (a reading — RULES.md has no
protocol for the national population database; its real interface, through VNeID or the provincial data-sharing
platform (LGSP/NDXP), is not public). Documented in docs/components/population-standin.md.

``POST {MOTCUA_POPULATION_URL}/v1/persons/lookup`` with ``Authorization: Bearer <token>``,
``Content-Type: application/json`` and the body::

    {"personal_id_number": "<12 digits>", "purpose": "<why, ≤ 200 characters>",
     "consent": {"reference": "<the citizen's recorded consent, ≤ 100>", "given_at": "<ISO 8601 with offset>"}}

Answers: 200 ``{"found": true, "database": "<code>", "person": {"personal_id_number", "full_name",
"birth_date": "YYYY-MM-DD" | null, "address"}}``; 404 ``{"found": false, "database": "<code>"}``; 400/401/415
``{"reason": "…"}`` for a request the registry refuses; 5xx when it is down (try again later).
"""

from __future__ import annotations

LOOKUP_PATH = "/v1/persons/lookup"
SCHEMA = "motcua.population/1"
MAX_PURPOSE = 200
MAX_CONSENT = 100
