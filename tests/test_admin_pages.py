"""Every admin list and add page opens for an administrator (registrations, autocompletes, inlines)."""

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse


@pytest.mark.usefixtures("demo_catalog")
def test_every_admin_page_opens(admin_client: Client) -> None:
    for model in admin.site._registry:
        meta = model._meta
        for view in ("changelist", "add"):
            url = reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}")
            response = admin_client.get(url)
            assert response.status_code in {200, 403}, url
        first = model.objects.order_by("pk").first()
        if first is not None:
            url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[first.pk])
            assert admin_client.get(url).status_code == 200, url
