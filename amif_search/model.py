"""The records the collection is made of."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal

from .fields import json_values

__all__ = ["Objective", "Project"]


@dataclass(frozen=True)
class Objective:
    """A national objective of the fund (for instance 6.2) and its Swedish title."""

    code: str
    title: str


@dataclass(frozen=True)
class Project:
    """One funded project as the source page describes it."""

    id: str
    title: str
    short_name: str | None
    objective: Objective
    description: str
    implementer: str
    start: date
    end: date
    eu_support: Decimal
    source: str = ""
    line: int = 0
    specific_objective: str = ""
    notes: tuple[str, ...] = field(default=(), compare=False)

    @property
    def years(self) -> range:
        """Calendar years during which the project is active."""
        return range(self.start.year, self.end.year + 1)

    def active_in(self, year: int) -> bool:
        """True when the project runs during some part of ``year``."""
        return self.start.year <= year <= self.end.year

    def content_hash(self) -> str:
        """A digest of everything that is indexed, to notice a changed project."""
        parts = [
            self.id, self.title, self.short_name or "", self.objective.code,
            self.objective.title, self.description, self.implementer,
            self.start.isoformat(), self.end.isoformat(), str(self.eu_support),
            self.specific_objective,
        ]
        return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]

    def to_json(self, hit: bool = False) -> dict:
        """The stable, language-neutral JSON form (dates ISO, amount a string); ``hit``:
        the shorter form of a search hit. The keys are those of :mod:`amif_search.fields`."""
        return {value.key: value.get(self) for value in json_values(hit)}

    def to_record(self) -> dict:
        """Everything needed to rebuild the object, for storage in the index."""
        data = asdict(self)
        data["objective"] = {"code": self.objective.code, "title": self.objective.title}
        data["start"] = self.start.isoformat()
        data["end"] = self.end.isoformat()
        data["eu_support"] = str(self.eu_support)
        data["notes"] = list(self.notes)
        return data

    @classmethod
    def from_record(cls, data: dict) -> "Project":
        """Inverse of :meth:`to_record`."""
        return cls(
            id=data["id"],
            title=data["title"],
            short_name=data["short_name"],
            objective=Objective(**data["objective"]),
            description=data["description"],
            implementer=data["implementer"],
            start=date.fromisoformat(data["start"]),
            end=date.fromisoformat(data["end"]),
            eu_support=Decimal(data["eu_support"]),
            source=data.get("source", ""),
            line=data.get("line", 0),
            specific_objective=data.get("specific_objective", ""),
            notes=tuple(data.get("notes", ())),
        )
