"""The validated tables of one district: the typed frames every later layer trusts."""

from __future__ import annotations

from dataclasses import dataclass, fields

import pandas as pd

TABLE_NAMES: tuple[str, ...] = (
    "departments",
    "townships",
    "items",
    "cases",
    "evaluations",
    "complaints",
    "inspections",
    "assessment",
    "services",
    "certificates",
    "staff_scores",
    "attendance",
    "leader_visits",
    "township_reports",
)


@dataclass(frozen=True)
class Tables:
    """Validated frames of one district; a table the district does not export is None."""

    departments: pd.DataFrame | None = None
    townships: pd.DataFrame | None = None
    items: pd.DataFrame | None = None
    cases: pd.DataFrame | None = None
    evaluations: pd.DataFrame | None = None
    complaints: pd.DataFrame | None = None
    inspections: pd.DataFrame | None = None
    assessment: pd.DataFrame | None = None
    services: pd.DataFrame | None = None
    certificates: pd.DataFrame | None = None
    staff_scores: pd.DataFrame | None = None
    attendance: pd.DataFrame | None = None
    leader_visits: pd.DataFrame | None = None
    township_reports: pd.DataFrame | None = None

    def present(self) -> list[str]:
        """Names of the tables the district has."""
        return [f.name for f in fields(self) if getattr(self, f.name) is not None]
