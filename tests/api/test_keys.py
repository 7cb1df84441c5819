"""API keys: made and revoked by the organisation's coordinator and the national admin,
shown once, stored hashed, and checked on every request."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from kaikukanta.accounts.scope import scope_for_user
from kaikukanta.api.models import ApiKey
from kaikukanta.api.services import api_key_create, hash_secret
from kaikukanta.audit.models import AuditEntry
from tests.conftest import sign_in


def test_key_is_shown_once_and_stored_hashed(cast):
    key, raw = api_key_create(scope=scope_for_user(cast.a.culture), organisation=cast.a.venue_org,
                              label="Ticket system", can_write=True)
    assert raw.startswith(f"kk_{key.prefix}_") and len(raw) > 40
    assert key.secret_hash == hash_secret(raw) and raw not in key.secret_hash
    stored = ApiKey.objects.values().get(pk=key.pk)
    assert raw not in str(stored)
    entry = AuditEntry.objects.get(action="api_key.created")
    assert raw not in str(entry.changes) and entry.organisation == cast.a.venue_org


@pytest.mark.parametrize(("who", "org", "status"), [
    ("a.culture", "a.venue_org", 200),
    ("a.culture", "a.seller_org", 200),
    ("a.welfare", "a.distributor_org", 200),
    ("national", "b.venue_org", 200),
    ("a.welfare", "a.venue_org", 404),     # the other side's organisation
    ("a.culture", "a.distributor_org", 404),
    ("a.seller", "a.seller_org", 403),
    ("a.venue", "a.venue_org", 403),       # staff do not make keys
    ("a.culture", "b.venue_org", 404),     # another area
    ("outsider", "a.venue_org", 404),
])
def test_key_page_permissions(cast, client, who, org, status):
    user = cast
    for part in who.split("."):
        user = getattr(user, part)
    target = cast
    for part in org.split("."):
        target = getattr(target, part)
    sign_in(client, user)
    url = reverse("api:key_organisation", args=[target.pk])
    assert client.get(url).status_code == status
    response = client.post(url, {"label": "Lippujärjestelmä", "access": "write"})
    assert response.status_code == status
    assert ApiKey.objects.filter(organisation=target).exists() == (status == 200)


def test_coordinator_makes_and_revokes_a_key(cast, client, api):
    sign_in(client, cast.a.culture)
    assert client.get(reverse("api:key_list")).status_code == 200
    url = reverse("api:key_organisation", args=[cast.a.venue_org.pk])
    response = client.post(url, {"label": "Lippujärjestelmä", "access": "read"})
    body = response.content.decode()
    key = ApiKey.objects.get(organisation=cast.a.venue_org)
    assert f"kk_{key.prefix}_" in body and response["Cache-Control"] == "no-store"
    assert f"<code>{cast.a.site2.pk}</code> {cast.a.site2.name}" in body
    raw = body.split('id="new-key" type="text" readonly value="')[1].split('"')[0]
    assert api(raw).get("/offers").status_code == 200
    # the page never shows it again
    assert raw not in client.get(url).content.decode()
    # same label twice is refused with a message
    response = client.post(url, {"label": "lippujärjestelmä", "access": "read"})
    assert "already has an active key" in response.content.decode()
    sign_in(client, cast.b.culture)
    assert client.post(reverse("api:key_revoke", args=[key.pk])).status_code == 404
    sign_in(client, cast.a.culture)
    response = client.post(reverse("api:key_revoke", args=[key.pk]))
    assert response.status_code == 302
    assert api(raw).get("/offers").status_code == 401
    assert AuditEntry.objects.filter(action="api_key.revoked", target_id=str(key.pk)).exists()


def test_key_list_is_for_coordinators(cast, client):
    sign_in(client, cast.a.venue)
    assert client.get(reverse("api:key_list")).status_code == 403
    sign_in(client, cast.a.welfare)
    body = client.get(reverse("api:key_list")).content.decode()
    assert cast.a.distributor_org.name in body and cast.a.venue_org.name not in body


def test_command_lists_and_makes_keys(cast, api):
    out = io.StringIO()
    call_command("create_api_key", "--list", stdout=out)
    assert f"{cast.a.seller_org.pk}  ticket_seller" in out.getvalue()
    out, err = io.StringIO(), io.StringIO()
    call_command("create_api_key", "--organisation", str(cast.a.venue_org.pk), "--write",
                 stdout=out, stderr=err)
    raw = out.getvalue().strip()
    assert "read-write" in err.getvalue()
    assert ApiKey.objects.get(prefix=raw[3:11]).can_write
    assert api(raw).get("/offers").status_code == 200
    # twice works too (a new label)
    call_command("create_api_key", "--organisation", str(cast.a.venue_org.pk),
                 stdout=io.StringIO(), stderr=io.StringIO())
    assert ApiKey.objects.filter(organisation=cast.a.venue_org).count() == 2


@pytest.mark.parametrize("header", [
    None, "", "Bearer", "Bearer kk_nothing", "Basic abc", "Bearer kk_12345678_wrong",
])
def test_missing_or_bad_key_is_401(keys, api, header):
    extra = {} if header is None else {"Authorization": header}
    response = api().get("/offers", **extra)
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_wrong_secret_with_a_real_prefix_is_401(keys, api):
    assert api(keys.venue).get("/offers").status_code == 200
    assert api(keys.venue[:-3] + "xyz").get("/offers").status_code == 401


def test_revoked_key_and_inactive_organisation(cast, keys, api):
    assert api(keys.revoked).get("/offers").status_code == 401
    cast.a.venue_org.is_active = False
    cast.a.venue_org.save()
    assert api(keys.venue).get("/offers").status_code == 401


def test_last_used_is_noted(cast, keys, api):
    assert ApiKey.objects.get(prefix=keys.venue[3:11]).last_used_at is None
    api(keys.venue).get("/offers")
    assert ApiKey.objects.get(prefix=keys.venue[3:11]).last_used_at is not None


def test_nav_shows_api_keys_to_coordinators_only(cast, client):
    sign_in(client, cast.a.culture)
    assert reverse("api:key_list") in client.get(reverse("accounts:home")).content.decode()
    sign_in(client, cast.a.venue)
    assert reverse("api:key_list") not in client.get(reverse("accounts:home")).content.decode()


def test_prune_forgets_old_stored_answers(cast, keys, offers, api):
    import datetime
    import uuid

    from kaikukanta.api.models import IdempotentResponse
    from tests.api.conftest import use_body
    from tests.factories import make_card

    for _ in range(2):
        api(keys.venue).post("/uses", use_body(make_card(cast.a.unit), offers.a),
                             **{"Idempotency-Key": str(uuid.uuid4())})
    old = IdempotentResponse.objects.first()
    IdempotentResponse.objects.filter(pk=old.pk).update(
        created_at=old.created_at - datetime.timedelta(days=31))
    out = io.StringIO()
    call_command("prune_api_records", stdout=out)
    assert "deleted 1 stored answers" in out.getvalue()
    assert IdempotentResponse.objects.count() == 1
