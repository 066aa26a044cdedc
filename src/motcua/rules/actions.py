"""The vocabulary of a dossier's life: its statuses and the kinds of action that move it.

Kept apart from the reducer (``rules.lifecycle``) so that the typed payloads (``rules.payloads``), which
the reducer reads, can name the actions without an import cycle.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping


class Status(enum.StrEnum):
    SUBMITTED = "submitted"
    RECEIVED = "received"
    REFUSED = "refused"
    PROCESSING = "processing"
    AWAITING_SUPPLEMENT = "awaiting_supplement"
    AWAITING_PAYMENT = "awaiting_payment"
    WITHDRAWN = "withdrawn"
    STOPPED = "stopped"
    RESULT_READY = "result_ready"
    RETURNED = "returned"


#: ``TrangThaiHoSo`` codes shared with the National Public Service Portal (RULES.md §4, [V]).
NATIONAL_STATUS_CODE: Mapping[Status, int] = {
    Status.SUBMITTED: 1,
    Status.RECEIVED: 2,
    Status.REFUSED: 3,
    Status.PROCESSING: 4,
    Status.AWAITING_SUPPLEMENT: 5,
    Status.AWAITING_PAYMENT: 6,
    Status.WITHDRAWN: 7,
    Status.STOPPED: 8,
    Status.RESULT_READY: 9,
    Status.RETURNED: 10,
}

FINAL_STATUSES = frozenset({Status.REFUSED, Status.WITHDRAWN, Status.STOPPED, Status.RETURNED})
#: Statuses in which a dossier sits in somebody's queue.
ACTIVE_STATUSES = frozenset(Status) - FINAL_STATUSES


class ActionType(enum.StrEnum):
    SUBMIT = "submit"  # registered, not yet accepted: filed online, or brought incomplete to the desk
    RECEIVE = "receive"  # received complete at the counter: receipt and appointment
    ACCEPT = "accept"  # a registered dossier accepted (online, or completed at the desk)
    REFUSE = "refuse"  # not accepted, with reasons
    REQUEST_SUPPLEMENT = "request_supplement"
    SUPPLEMENT = "supplement"  # the complete supplement arrived
    FORWARD = "forward"  # to the next step of the template, same agency
    TRANSFER_TO_AGENCY = "transfer_to_agency"  # to the next step, at another agency (liên thông)
    AGENCY_ANSWER = "agency_answer"  # the other agency's step is done; back to the resolving agency
    SEND_BACK = "send_back"  # to an earlier step, with a reason
    APPROVE = "approve"  # the leader's decision; ends the leader's step
    RECORD_RESULT = "record_result"  # the signed result document is attached
    MARK_RESULT_READY = "mark_result_ready"
    RETURN_RESULT = "return_result"
    WITHDRAW = "withdraw"  # at the applicant's request
    STOP = "stop"  # processing stopped, with a stop notice
    APOLOGISE = "apologise"  # apology and new appointment
    REQUEST_PAYMENT = "request_payment"
    RECORD_PAYMENT = "record_payment"  # a fee paid: at the counter, or confirmed by a payment gateway
    RESCHEDULE = "reschedule"  # deadlines recomputed after the working calendar changed (system actor)


#: Actions that start a dossier's log.
OPENING_ACTIONS = frozenset({ActionType.SUBMIT, ActionType.RECEIVE})
