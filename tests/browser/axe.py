"""Run axe-core in a page and return its WCAG 2.1 A/AA violations (a shared helper).

axe-core's script comes from the PyPI package `axe-playwright-python`, which ships it
(no download at test time). Usage in a browser test::

    from tests.browser.axe import assert_no_violations
    page.goto(url)
    assert_no_violations(page)
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@cache
def axe_script() -> str:
    return resources.files("axe_playwright_python").joinpath("axe.min.js").read_text(
        encoding="utf-8")


def violations(page, tags: list[str] | None = None) -> list[dict]:
    """axe-core's violations for the page as it is now (tags: WCAG 2.1 A and AA)."""
    page.evaluate(axe_script())
    options = {"runOnly": {"type": "tag", "values": tags or WCAG_21_AA},
               "resultTypes": ["violations"]}
    result = page.evaluate("options => axe.run(document, options)", options)
    return result["violations"]


def report(found: list[dict]) -> str:
    lines = []
    for v in found:
        targets = [json.dumps(n["target"]) for n in v["nodes"][:5]]
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} at {', '.join(targets)}")
    return "\n".join(lines)


def assert_no_violations(page, tags: list[str] | None = None) -> None:
    found = violations(page, tags)
    assert not found, f"axe-core on {page.url}:\n{report(found)}"
