"""Which actions on a dossier the applicant is told about, and as what.

Decree 61/2018/NĐ-CP Art. 16–19 and Decree 118/2025/NĐ-CP (Circular 03/2025/TT-VPCP forms 01–05) give the
applicant a paper for each of these moments: the receipt with its appointment, the request to supplement (with
everything missing, in one request), the refusal with its reasons, the apology with a new appointment, the stop
notice; the result is returned at the desk or online, and fees are paid before it. Telling them by e-mail or SMS as
well is the province's choice (issue 9): a reading, not an obligation of the decrees. Internal hand-offs
(forward, transfer, approval, recording of the result, reschedule) are not the applicant's concern.
"""

from __future__ import annotations

import enum

from motcua.rules.actions import ActionType


class Notice(enum.StrEnum):
    RECEIVED = "received"
    SUPPLEMENT_REQUESTED = "supplement_requested"
    REFUSED = "refused"
    RESULT_READY = "result_ready"
    APOLOGY = "apology"
    PAYMENT_REQUESTED = "payment_requested"
    RETURNED = "returned"
    STOPPED = "stopped"


_BY_ACTION = {
    # a dossier received complete at the counter, or a registered one accepted: the receipt and its appointment
    ActionType.RECEIVE: Notice.RECEIVED,
    ActionType.ACCEPT: Notice.RECEIVED,
    ActionType.REQUEST_SUPPLEMENT: Notice.SUPPLEMENT_REQUESTED,
    ActionType.REFUSE: Notice.REFUSED,
    ActionType.MARK_RESULT_READY: Notice.RESULT_READY,
    ActionType.APOLOGISE: Notice.APOLOGY,
    ActionType.REQUEST_PAYMENT: Notice.PAYMENT_REQUESTED,
    ActionType.RETURN_RESULT: Notice.RETURNED,
    ActionType.STOP: Notice.STOPPED,
}


def notice_for(action: ActionType | str) -> Notice | None:
    """The notice an action gives the applicant, or ``None`` when it is internal to the administration.

    A registration (``submit``) gives none: the applicant filed it themselves and sees it at once; an incomplete
    dossier registered at the desk gets its request to supplement in the same transaction, which is notified.
    """
    return _BY_ACTION.get(ActionType(action))
