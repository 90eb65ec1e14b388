"""The ``imr-llm`` command: thin, it parses arguments, calls the library and prints.

Exit codes: 0 every input succeeded, 1 some input failed (the others still got
results), 2 usage error. :func:`main` returns the code so tests can call it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from imr_llm.errors import ImrError

__all__ = ["app", "main", "run"]

app = typer.Typer(
    name="imr-llm",
    help="Read California IMR final determination letters: structured data and plain language.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
batch_app = typer.Typer(help="OpenAI Batch API files for very large corpora.", no_args_is_help=True)
app.add_typer(batch_app, name="batch")

Paths = Annotated[
    list[Path], typer.Argument(help="Letters: .txt or .pdf files.", show_default=False)
]


def _write_json_line(obj: dict[str, Any], stream: Any = None) -> None:
    out = stream or sys.stdout
    out.write(json.dumps(obj, ensure_ascii=False) + "\n")


def _error_line(source: str, exc: ImrError) -> dict[str, Any]:
    return {"source": source, "error": exc.to_dict()}


@app.command()
def parse(
    paths: Paths,
    pretty: Annotated[
        bool, typer.Option("--pretty", help="A readable table instead of JSON.")
    ] = False,
) -> None:
    """Parse letters by rules alone (offline): one JSON line per input, in input order."""
    from imr_llm.pipeline import parse as parse_letter

    failures = 0
    rows: list[tuple[str, Any]] = []
    for path in paths:
        try:
            determination = parse_letter(path)
        except ImrError as exc:
            failures += 1
            rows.append((str(path), exc))
            if not pretty:
                _write_json_line(_error_line(str(path), exc))
            continue
        rows.append((str(path), determination))
        if not pretty:
            _write_json_line(determination.to_json_dict())
        sys.stdout.flush()
    if pretty:
        from imr_llm.display import print_table

        print_table(rows)
    if failures:
        raise typer.Exit(1)


@app.command()
def schema() -> None:
    """Print the JSON Schema of a Determination."""
    from imr_llm.schema import Determination

    _write_json_line(Determination.model_json_schema())


def main(argv: list[str] | None = None) -> int:
    """Run the CLI with ``argv`` (default: sys.argv[1:]) and return the exit code."""
    try:
        app(args=argv, prog_name="imr-llm", standalone_mode=True)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except ImrError as exc:
        sys.stderr.write(f"imr-llm: {exc}\n")
        return 1
    except BrokenPipeError:
        return 0
    return 0


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())


if __name__ == "__main__":
    run()
