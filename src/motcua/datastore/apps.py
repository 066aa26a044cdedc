from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DatastoreConfig(AppConfig):
    name = "motcua.datastore"
    label = "datastore"
    verbose_name = _("Kho dữ liệu điện tử của tổ chức, cá nhân")

    def ready(self) -> None:
        from motcua.datastore.receivers import signed_result_into_store
        from motcua.signatures.signals import signed_result_recorded

        signed_result_recorded.connect(signed_result_into_store, dispatch_uid="motcua.datastore.signed_results")
