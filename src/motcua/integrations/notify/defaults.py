"""The default Vietnamese texts of every notice on every channel (used when the admin has no template, when
its template is switched off, and when it fails to render).

The e-mail says everything the paper form of the same moment says (Circular 03/2025/TT-VPCP forms 01–05: the
code, the appointment, everything missing, the reasons); the SMS says the essential in a few segments and points
to the tracking page. They are seeded into the admin's table by migration 0002, where the province edits them.
"""

from __future__ import annotations

from typing import NamedTuple

from motcua.rules.notices import Notice


class Text(NamedTuple):
    subject: str
    body: str


_SIGN = "\n\n{{ desk }}{% if desk_address %}\n{{ desk_address }}{% endif %}\nTra cứu hồ sơ: {{ tracking_url }}\n"

EMAIL: dict[Notice, Text] = {
    Notice.RECEIVED: Text(
        "Hồ sơ {{ code }} đã được tiếp nhận",
        "Kính gửi {{ applicant }},\n\n"
        "Hồ sơ “{{ procedure }}” của ông/bà đã được tiếp nhận lúc {{ received_at }}.\n"
        "Mã hồ sơ: {{ code }}\n"
        "Cơ quan giải quyết: {{ agency }}\n"
        "Ngày hẹn trả kết quả: {{ appointment }}" + _SIGN,
    ),
    Notice.SUPPLEMENT_REQUESTED: Text(
        "Hồ sơ {{ code }}: đề nghị bổ sung, hoàn thiện",
        "Kính gửi {{ applicant }},\n\n"
        "Hồ sơ “{{ procedure }}” (mã {{ code }}) cần được bổ sung, hoàn thiện. "
        "Đề nghị ông/bà bổ sung các giấy tờ sau:\n"
        "{% for item in missing %}- {{ item }}\n{% endfor %}"
        "{% if note %}\nGhi chú: {{ note }}\n{% endif %}"
        "\nThời gian giải quyết được tính lại từ khi nhận đủ hồ sơ bổ sung." + _SIGN,
    ),
    Notice.REFUSED: Text(
        "Hồ sơ {{ code }} không được tiếp nhận",
        "Kính gửi {{ applicant }},\n\n"
        "Hồ sơ “{{ procedure }}” (mã {{ code }}) không được tiếp nhận vì:\n"
        "{% for item in reasons %}- {{ item }}\n{% endfor %}"
        "{% if note %}\nGhi chú: {{ note }}\n{% endif %}" + _SIGN,
    ),
    Notice.RESULT_READY: Text(
        "Hồ sơ {{ code }} đã có kết quả",
        "Kính gửi {{ applicant }},\n\n"
        "Hồ sơ “{{ procedure }}” (mã {{ code }}) đã có kết quả.\n"
        "Ông/bà nhận kết quả tại {{ desk }}{% if desk_address %}, {{ desk_address }}{% endif %}, "
        "trong giờ hành chính, mang theo giấy tiếp nhận hồ sơ và hẹn trả kết quả cùng giấy tờ tùy thân."
        "{% if download_url %}\nHồ sơ nộp trực tuyến: ông/bà đăng nhập tại {{ download_url }} để xem hồ sơ và kết quả."
        "{% endif %}" + _SIGN,
    ),
    Notice.APOLOGY: Text(
        "Hồ sơ {{ code }}: thư xin lỗi và hẹn lại ngày trả kết quả",
        "Kính gửi {{ applicant }},\n\n"
        "{{ agency }} xin lỗi ông/bà vì hồ sơ “{{ procedure }}” (mã {{ code }}) chưa giải quyết được đúng hạn.\n"
        "Lý do: {{ reason }}\n"
        "Ngày hẹn trả kết quả mới: {{ new_appointment }}" + _SIGN,
    ),
    Notice.PAYMENT_REQUESTED: Text(
        "Hồ sơ {{ code }}: đề nghị nộp phí, lệ phí",
        "Kính gửi {{ applicant }},\n\n"
        "Để tiếp tục giải quyết hồ sơ “{{ procedure }}” (mã {{ code }}), đề nghị ông/bà thực hiện nghĩa vụ tài chính"
        "{% if amount %}: {{ amount }}{% endif %}.\n"
        "{% for line in fees %}- {{ line }}\n{% endfor %}"
        "Ông/bà nộp tại {{ desk }}{% if desk_address %}, {{ desk_address }}{% endif %}, trong giờ hành chính, "
        "và nhận biên lai." + _SIGN,
    ),
    Notice.RETURNED: Text(
        "Hồ sơ {{ code }} đã trả kết quả",
        "Kính gửi {{ applicant }},\n\n"
        "Kết quả giải quyết hồ sơ “{{ procedure }}” (mã {{ code }}) đã được trả cho ông/bà. "
        "Cảm ơn ông/bà đã sử dụng dịch vụ." + _SIGN,
    ),
    Notice.STOPPED: Text(
        "Hồ sơ {{ code }}: dừng xử lý",
        "Kính gửi {{ applicant }},\n\n"
        "Hồ sơ “{{ procedure }}” (mã {{ code }}) đã dừng xử lý.\n"
        "Lý do: {{ reason }}" + _SIGN,
    ),
}

SMS: dict[Notice, Text] = {
    Notice.RECEIVED: Text(
        "", "Hồ sơ {{ code }} đã được tiếp nhận. Hẹn trả kết quả: {{ appointment }}. Tra cứu: {{ tracking_url }}"
    ),
    Notice.SUPPLEMENT_REQUESTED: Text(
        "",
        "Hồ sơ {{ code }} cần bổ sung: {{ missing|join:'; ' }}. Chi tiết: {{ tracking_url }}",
    ),
    Notice.REFUSED: Text("", "Hồ sơ {{ code }} không được tiếp nhận. Lý do: {{ reasons|join:'; ' }}"),
    Notice.RESULT_READY: Text(
        "",
        "Hồ sơ {{ code }} đã có kết quả. Mời ông/bà nhận tại {{ desk }}"
        "{% if download_url %} hoặc xem tại {{ download_url }}{% endif %}.",
    ),
    Notice.APOLOGY: Text(
        "", "{{ agency }} xin lỗi: hồ sơ {{ code }} chưa có kết quả đúng hạn. Hẹn trả mới: {{ new_appointment }}."
    ),
    Notice.PAYMENT_REQUESTED: Text(
        "",
        "Hồ sơ {{ code }}: đề nghị nộp phí, lệ phí{% if amount %} {{ amount }}{% endif %} tại {{ desk }}. "
        "Chi tiết: {{ tracking_url }}",
    ),
    Notice.RETURNED: Text("", "Hồ sơ {{ code }} đã trả kết quả. Cảm ơn ông/bà."),
    Notice.STOPPED: Text("", "Hồ sơ {{ code }} đã dừng xử lý. Lý do: {{ reason }}"),
}

#: Defaults by channel name; a channel without its own (Zalo OA, later) takes the short texts of SMS.
BY_CHANNEL: dict[str, dict[Notice, Text]] = {"email": EMAIL, "sms": SMS}


def default_text(notice: Notice, channel: str) -> Text:
    return BY_CHANNEL.get(channel, SMS)[notice]
