"""Domain rules (domain.md §3, §9). ``check_record`` dispatches a parsed body to its kind's checks."""

from __future__ import annotations

from domain.rules.dispatch import check_record

__all__ = ["check_record"]
