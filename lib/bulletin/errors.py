"""Errors the user sees: each carries a Chinese message that names what to fix."""

from __future__ import annotations


class BulletinError(Exception):
    """Base of every expected failure; the CLI prints its message, never a traceback."""


class ConfigError(BulletinError):
    """A params file (district, scoring scheme, calendar, run file) is malformed."""


class ParamError(BulletinError):
    """A command-line or notebook parameter (district id, period, kind) is invalid."""


class DataError(BulletinError):
    """Input tables failed validation; ``report`` holds every problem found."""

    def __init__(self, message: str, report=None):
        super().__init__(message)
        self.report = report


class CalendarError(BulletinError):
    """A deadline falls in a year that no working-day calendar covers."""


class RenderError(BulletinError):
    """Executing or exporting a bulletin notebook failed; transient if trying again may succeed (kernel died)."""

    def __init__(self, message: str, *, transient: bool = False, cell: str = ""):
        super().__init__(message)
        self.transient = transient
        self.cell = cell  # the failing cell's first line, when a cell failed


class OutputError(BulletinError):
    """Writing the rendered files failed (disk full, no permission); the previous files are left as they were."""
