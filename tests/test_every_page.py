"""Every page each role reaches from its navigation: 200, one h1, labelled fields, no
inline scripts or styles, and nothing from the other area."""

import re
from html.parser import HTMLParser

import pytest

from kaikukanta.accounts.scope import scope_for_user
from kaikukanta.lib.navigation import navigation_for
from tests.conftest import sign_in

ROLES = ["national", "a.culture", "a.welfare", "a.distributor", "a.venue", "a.site_staff",
         "a.seller", "outsider"]


class PageAudit(HTMLParser):
    def __init__(self):
        super().__init__()
        self.h1 = 0
        self.labels: set[str] = set()
        self.fields: list[dict] = []
        self.inline_scripts = 0
        self.style_attrs = 0
        self._in_label = 0
        self._label_has_field = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "style" in a:
            self.style_attrs += 1
        if tag == "h1":
            self.h1 += 1
        elif tag == "script" and "src" not in a:
            self.inline_scripts += 1
        elif tag == "label":
            self._in_label += 1
            if a.get("for"):
                self.labels.add(a["for"])
        elif tag in ("input", "select", "textarea"):
            if a.get("type") in ("hidden", "submit", "button"):
                return
            a["_wrapped"] = self._in_label > 0
            self.fields.append(a)

    def handle_endtag(self, tag):
        if tag == "label":
            self._in_label -= 1


def _user(cast, path):
    obj = cast
    for part in path.split("."):
        obj = getattr(obj, part)
    return obj


@pytest.mark.parametrize("who", ROLES)
def test_every_navigation_page_is_well_formed(cast, client, who):
    user = _user(cast, who)
    sign_in(client, user)
    items = navigation_for(scope_for_user(user))
    assert items, "every role has at least its home page"
    for item in items:
        if item["key"] == "admin":
            continue
        response = client.get(item["url"])
        assert response.status_code == 200, item["url"]
        html = response.content.decode()
        title = re.search(r"<title>(.*?)</title>", html, re.S)
        assert title and "<" not in title.group(1), f"{item['url']}: plain text title"
        audit = PageAudit()
        audit.feed(html)
        assert audit.h1 == 1, f"{item['url']}: one h1"
        assert audit.inline_scripts == 0 and audit.style_attrs == 0, item["url"]
        for field in audit.fields:
            labelled = (field.get("id") in audit.labels or field["_wrapped"]
                        or field.get("aria-label") or field.get("aria-labelledby"))
            assert labelled, f"{item['url']}: unlabelled field {field}"
        if who.startswith("a."):
            for other in (cast.b.distributor_org.name, cast.b.venue_org.name):
                assert other not in html, f"{item['url']} shows area b's {other}"
