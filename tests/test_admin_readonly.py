"""Django admin shows people, their roles and seller links but changes none of them: the
pages and their services do that (with the permission check and the audit log)."""

import pytest
from django.urls import reverse

from kaikukanta.accounts.models import Membership, User
from kaikukanta.network.models import SellerLink
from tests.conftest import sign_in


@pytest.mark.parametrize("model", [User, Membership, SellerLink])
def test_admin_reads_but_never_writes(cast, client, model):
    sign_in(client, cast.national)
    meta = model._meta
    obj = model.objects.order_by("pk").first()
    base = f"admin:{meta.app_label}_{meta.model_name}"
    assert client.get(reverse(f"{base}_changelist")).status_code == 200
    assert client.get(reverse(f"{base}_change", args=[obj.pk])).status_code == 200  # view only
    assert client.get(reverse(f"{base}_add")).status_code == 403
    before = model.objects.count()
    assert client.post(reverse(f"{base}_delete", args=[obj.pk]), {"post": "yes"}
                       ).status_code == 403
    assert client.post(reverse(f"{base}_change", args=[obj.pk]), {}).status_code == 403
    assert model.objects.count() == before


def test_only_national_admins_reach_the_admin(cast, client):
    sign_in(client, cast.a.culture)
    response = client.get(reverse("admin:accounts_user_changelist"))
    assert response.status_code == 302 and "login" in response["Location"]
