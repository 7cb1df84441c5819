"""The registry never identifies a cardholder; every model declares what it holds."""

import re

from django.apps import apps

from kaikukanta.lib.privacy import NO_PERSONAL_DATA, PERSONAL_DATA

FORBIDDEN = re.compile(
    r"(^|_)(first_?name|last_?name|surname|full_?name|ssn|hetu|identity|personal_id|"
    r"date_of_birth|birth_?date|birthday|address|street|phone|mobile_number|email|note|"
    r"notes|comment|comments|description|free_?text|remarks)($|_)"
)


def kaikukanta_models():
    return [m for m in apps.get_models() if m.__module__.startswith("kaikukanta.")]


def test_every_model_is_classified_once():
    labels = {m._meta.label_lower for m in kaikukanta_models()}
    unclassified = labels - PERSONAL_DATA.keys() - NO_PERSONAL_DATA.keys()
    assert not unclassified, f"classify these models in kaikukanta/lib/privacy.py: {unclassified}"
    assert not PERSONAL_DATA.keys() & NO_PERSONAL_DATA.keys()
    assert not (PERSONAL_DATA.keys() | NO_PERSONAL_DATA.keys()) - labels, "stale entries"


def test_card_and_use_tables_have_no_identifying_or_free_text_column():
    for label in ("cards.card", "cards.cardevent", "cards.cardbatch", "usage.use"):
        model = apps.get_model(label)
        for field in model._meta.get_fields():
            name = getattr(field, "attname", field.name)
            assert not FORBIDDEN.search(name), f"{label}.{name} looks like identifying data"
            internal = getattr(field, "get_internal_type", lambda: "")()
            assert internal != "TextField", f"{label}.{name} is a free-text field"


def test_no_model_outside_the_declared_ones_has_personal_columns():
    allowed = {("accounts.user", "email"), ("accounts.user", "name"),
               ("network.organisation", "contact_name"), ("network.organisation", "contact_email"),
               ("network.organisation", "contact_phone")}
    for model in kaikukanta_models():
        label = model._meta.label_lower
        for field in model._meta.concrete_fields:
            if FORBIDDEN.search(field.name) and (label, field.name) not in allowed:
                assert label in PERSONAL_DATA, f"{label}.{field.name} needs a declaration"
