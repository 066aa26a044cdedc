"""Who acts on a dossier, defined once (``accounts.Role`` attaches the interface's labels to these values).

Officers act for an agency in a role (RULES.md §4: intake at the one-stop desk, resolution by a specialist,
approval by a leader); reform and monitoring officers read and measure; the applicant acts for themself;
the **system actor** is how a callback or a job acts (a payment gateway's confirmation, the scheduler that
applies a changed calendar, the national portal's answers) — it is in the transition table like any other
actor, so the table says exactly what the system may do (DESIGN.md principle 4).
"""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    COUNTER = "counter"  # cán bộ tiếp nhận và trả kết quả (bộ phận một cửa)
    SPECIALIST = "specialist"  # chuyên viên xử lý
    LEADER = "leader"  # lãnh đạo phê duyệt
    REFORM = "reform"  # cán bộ cải cách hành chính
    MONITOR = "monitor"  # cán bộ theo dõi, giám sát
    APPLICANT = "applicant"  # the applicant, for themself
    SYSTEM = "system"  # a callback or a job


#: Roles that act on dossiers for an agency (the steps of a process are done in one of these).
OFFICER_ROLES = frozenset({Role.COUNTER, Role.SPECIALIST, Role.LEADER})
#: Roles that read every dossier of the province when held at a province-level agency: the monitoring officer
#: follows the whole province's processing (the unsynchronised-dossier report, the scorecard's drill-down) and
#: acts on none (it is not an officer role, so the transition table gives it no action). Held at a lower level,
#: it reads that agency's dossiers only, as any member does.
PROVINCE_WIDE_READ_ROLES = frozenset({Role.MONITOR})
#: Roles a user can hold in an agency (memberships).
MEMBERSHIP_ROLES = (Role.COUNTER, Role.SPECIALIST, Role.LEADER, Role.REFORM, Role.MONITOR)
