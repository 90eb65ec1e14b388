"""Rich tables for people at a terminal (``--pretty``, ``stats``)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from imr_llm.errors import ImrError
from imr_llm.schema import Determination

__all__ = ["print_table"]


def print_table(rows: Sequence[tuple[str, Determination | ImrError]], console: Any = None) -> None:
    """One row per disputed item; a failed input gets one row with its error. A letter's
    warnings (a section not found, an item that may be missing) follow the table."""
    table = Table(title="IMR determinations", show_lines=False)
    for column in ("Letter", "#", "Service", "Decision", "Category", "Guidelines"):
        table.add_column(column, overflow="fold")
    for source, result in rows:
        if isinstance(result, ImrError):
            table.add_row(source, "", f"[red]{result.message}[/red]", "error", "", "")
            continue
        if not result.items:
            table.add_row(source, "", "[yellow]no items found[/yellow]", "", "", "")
        for item in result.items:
            decision = (
                "[green]approved (overturned)[/green]"
                if item.outcome.approved
                else "[red]not approved (upheld)[/red]"
            )
            table.add_row(
                Path(source).name if item.index == 1 else "",
                str(item.index),
                item.service,
                decision,
                item.category.value,
                ", ".join(item.guideline_sources),
            )
    out = console or Console()
    out.print(table)
    for source, result in rows:
        if isinstance(result, Determination):
            for warning in result.warnings:
                out.print(f"[yellow]{Path(source).name}: {warning}[/yellow]", highlight=False)
