"""What the demo loaders share: the demo password, the objects made so far, and the
printed logins."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

DEMO_PASSWORD = "kaikukortti-demo"  # noqa: S105  (printed by `make run`, demo only)


@dataclass
class DemoContext:
    objects: dict[str, Any] = field(default_factory=dict)
    logins: list[tuple[str, str]] = field(default_factory=list)  # (role description, email)
    notes: list[str] = field(default_factory=list)  # printed after the logins

    def __getitem__(self, key: str) -> Any:
        return self.objects[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.objects[key] = value
