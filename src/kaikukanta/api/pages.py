"""Pages for people: managing an organisation's API keys, and the API reference."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaikukanta.api import services
from kaikukanta.api.core import document
from kaikukanta.api.forms import ApiKeyForm
from kaikukanta.api.models import ApiKey
from kaikukanta.lib.compression import never_compress
from kaikukanta.lib.errors import DomainError
from kaikukanta.lib.forms import add_domain_error
from kaikukanta.lib.permissions import Perm, can
from kaikukanta.lib.scope import get_visible_or_404
from kaikukanta.network.models import Organisation


def _manageable(scope):
    orgs = Organisation.objects.for_scope(scope).select_related("home_area").order_by(
        "home_area__name", "kind", "name")
    return [org for org in orgs if can(scope, Perm.MANAGE_ORGANISATION, org)]


@login_required
def key_list(request):
    orgs = _manageable(request.scope)
    if not orgs:
        raise PermissionDenied
    counts: dict[int, int] = {}
    for org_id in ApiKey.objects.active().filter(
            organisation__in=[o.pk for o in orgs]).values_list("organisation_id", flat=True):
        counts[org_id] = counts.get(org_id, 0) + 1
    rows = [(org, counts.get(org.pk, 0)) for org in orgs]
    return render(request, "api/key_list.html", {"rows": rows})


def _organisation_for(request, pk: int) -> Organisation:
    org = get_visible_or_404(Organisation.objects.select_related("home_area"), request.scope,
                             pk=pk)
    if not can(request.scope, Perm.MANAGE_ORGANISATION, org):
        raise PermissionDenied
    return org


@login_required
def key_organisation(request, pk: int):
    # Not `lib.views.form_page`: the new key is shown once, in the answer to the POST
    # itself (no-store). Redirecting would mean carrying the secret through the session.
    org = _organisation_for(request, pk)
    new_key = None
    form = ApiKeyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            key, new_key = services.api_key_create(
                scope=request.scope, organisation=org, label=form.cleaned_data["label"],
                can_write=form.cleaned_data["access"] == "write",
            )
        except DomainError as exc:
            if exc.http_status == 403:
                raise PermissionDenied from exc
            add_domain_error(form, exc)
        else:
            form = ApiKeyForm()
    keys = ApiKey.objects.filter(organisation=org).select_related("created_by", "revoked_by")
    response = render(request, "api/key_organisation.html", {
        "org": org, "keys": keys, "form": form, "new_key": new_key,
        "units": org.units.order_by("name"),
    })
    response["Cache-Control"] = "no-store"
    return never_compress(response) if new_key else response


@login_required
@require_POST
def key_revoke(request, pk: int):
    key = get_object_or_404(ApiKey.objects.select_related("organisation"), pk=pk)
    org = _organisation_for(request, key.organisation_id)
    services.api_key_revoke(scope=request.scope, api_key=key)
    messages.success(request, _("The key %(prefix)s was revoked. It no longer works.")
                     % {"prefix": key.prefix})
    return redirect("api:key_organisation", pk=org.pk)


def docs(request):
    """The human-readable API reference, rendered from the OpenAPI document (no scripts,
    so it works under the strict CSP)."""
    return render(request, "api/docs.html", {"ref": reference(document())})


def openapi_json(request):
    return JsonResponse(document(), json_dumps_params={"ensure_ascii": False, "indent": 1})


def _html(text: str) -> str:
    """Plain text with `code` spans, escaped for the reference page."""
    return mark_safe(re.sub(r"`([^`]+)`", r"<code>\1</code>", escape(text)))


def _resolve(doc: dict[str, Any], obj: Any) -> Any:
    while isinstance(obj, dict) and "$ref" in obj:
        node: Any = doc
        for part in obj["$ref"].lstrip("#/").split("/"):
            node = node[part]
        obj = {**node, **{k: v for k, v in obj.items() if k != "$ref"}}
    return obj


def _type_label(doc: dict[str, Any], schema: dict[str, Any], nullable: bool = True) -> str:
    schema = _resolve(doc, schema)
    options = [_resolve(doc, s) for s in schema.get("anyOf", [schema])]
    labels = []
    for option in options:
        if option.get("type") == "null":
            continue
        label = option.get("format") or option.get("type", "object")
        if "enum" in option:
            label += ": " + ", ".join(str(v) for v in option["enum"])
        labels.append(label)
    return " | ".join(labels) + (", null" if nullable and len(labels) < len(options) else "")


def reference(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The operations flattened for the HTML reference page."""
    out = []
    for path, methods in doc["paths"].items():
        for method, op in methods.items():
            params = [
                {"name": p["name"], "where": p["in"], "required": p.get("required", False),
                 "type": _type_label(doc, p["schema"], nullable=False),
                 "description": _html(p.get("description", ""))}
                for p in op.get("parameters", [])
            ]
            body = []
            if "requestBody" in op:
                schema = _resolve(doc, op["requestBody"]["content"]["application/json"]
                                  ["schema"])
                schema = next((_resolve(doc, s) for s in schema.get("anyOf", [])
                               if s.get("type") != "null"), schema)  # an optional body
                for name, prop in schema.get("properties", {}).items():
                    body.append({"name": name, "required": name in schema.get("required", []),
                                 "type": _type_label(doc, prop),
                                 "description": _html(_resolve(doc, prop).get("description",
                                                                              ""))})
            responses = [{"status": status, "description": _html(answer["description"])}
                         for status, answer in op["responses"].items()]
            out.append({
                "id": op["operationId"], "method": method.upper(),
                "path": doc["servers"][0]["url"] + path, "summary": op["summary"],
                "description": _html(op.get("description", "")), "parameters": params,
                "body": body, "responses": responses, "codes": op.get("x-error-codes", []),
            })
    return out
