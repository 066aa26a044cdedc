from django.urls import path

from motcua.payments import views

app_name = "payments"

urlpatterns = [
    path("payments/vnpay/ipn", views.vnpay_ipn, name="vnpay-ipn"),
    path("payments/vnpay/return", views.vnpay_return, name="vnpay-return"),
    path("payments/paygov/callback", views.paygov_callback, name="paygov-callback"),
    path("payments/<str:reference>/receipt.pdf", views.receipt_pdf, name="receipt"),
    path("payments/<str:reference>/refund", views.refund, name="refund"),
    path("payments/dossiers/<str:code>/pay", views.pay, name="pay"),
    path("payments/dossiers/<str:code>/counter", views.counter_payment, name="counter"),
]
