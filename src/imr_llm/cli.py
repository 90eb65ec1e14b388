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

from imr_llm.errors import DecodeError, ImrError

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


def _print_version(asked: bool) -> None:
    if asked:
        from imr_llm import __version__

        sys.stdout.write(f"imr-llm {__version__}\n")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", help="Print the version and exit.", callback=_print_version, is_eager=True
        ),
    ] = False,
) -> None:
    """Read California IMR final determination letters: structured data and plain language."""


Paths = Annotated[
    list[Path],
    typer.Argument(
        help="Letters: .txt, .pdf or .html files, or folders of them (read in name order);"
        " - reads standard input.",
        show_default=False,
    ),
]


_STANDARD_INPUT = Path("/dev/stdin")
"""What ``-`` names: read as a pipe, so ``pdftotext x.pdf - | imr-llm parse -`` works."""


def _stdin_for_dash(path: Path) -> Path:
    return _STANDARD_INPUT if str(path) == "-" else path


def _letters_in(paths: list[Path]) -> list[Path]:
    """Each path, with a folder replaced by the letters in it (its files named as
    :data:`~imr_llm.reading.LETTER_SUFFIXES` says, not its subfolders', in name order)
    and ``-`` by standard input. A folder with none stays, so its input line says why."""
    letters: list[Path] = []
    for path in map(_stdin_for_dash, paths):
        letters.extend(_letter_files(path) or [path])
    return letters


def _letter_files(folder: Path) -> list[Path]:
    from imr_llm.reading import LETTER_SUFFIXES

    try:
        if not folder.is_dir():
            return []
        return sorted(p for p in folder.iterdir() if p.suffix.lower() in LETTER_SUFFIXES)
    except OSError:  # unreadable: the folder's own input line will say so
        return []


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

    paths = _letters_in(paths)

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


@app.command()
def summarize(
    paths: Paths,
    model: Annotated[str | None, typer.Option(help="Model name (default: IMR_LLM_MODEL).")] = None,
    offline: Annotated[bool, typer.Option("--offline", help="Rules and templates only.")] = False,
    concurrency: Annotated[int, typer.Option(min=1, help="Letters in flight at once.")] = 8,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Ignore the cache.")] = False,
    mode: Annotated[
        str | None, typer.Option(help="instructor mode: tools, json_schema or json.")
    ] = None,
    out: Annotated[Path | None, typer.Option(help="Write JSON Lines here, not stdout.")] = None,
    letters: Annotated[
        Path | None, typer.Option(help="Also write one claimant letter (HTML) per input here.")
    ] = None,
    language: Annotated[str, typer.Option(help="Language of the letters: en or es.")] = "en",
) -> None:
    """Parse letters and add the LLM's plain language (rules fallback): one JSON line each."""
    import asyncio

    from rich.console import Console
    from rich.progress import Progress

    from imr_llm.config import Settings
    from imr_llm.pipeline import summarize_many_async
    from imr_llm.schema import Determination, Usage

    paths = _letters_in(paths)
    lang = _language(language)  # before any request is paid for
    settings = Settings.from_env(
        model=model,
        offline=offline or None,
        cache=False if no_cache else None,
        mode=mode,
        concurrency=concurrency,
    )
    stderr = Console(stderr=True)
    results: list[Determination | ImrError | None] = [None] * len(paths)
    with Progress(console=stderr, transient=True, disable=not stderr.is_terminal) as progress:
        task = progress.add_task("letters", total=len(paths))

        def done(i: int, result: Determination | ImrError) -> None:
            results[i] = result
            progress.advance(task)

        asyncio.run(summarize_many_async(paths, settings=settings, on_result=done))

    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
    stream = out.open("w", encoding="utf-8") if out else sys.stdout
    failures = 0
    methods: dict[str, int] = {}
    total = Usage()
    letter_names: set[str] = set()
    try:
        for path, result in zip(paths, results, strict=True):
            if isinstance(result, ImrError) or result is None:
                failures += 1
                error = result if isinstance(result, ImrError) else ImrError("no result")
                _write_json_line(_error_line(str(path), error), stream)
                continue
            _write_json_line(result.to_json_dict(), stream)
            methods[result.method] = methods.get(result.method, 0) + 1
            if result.usage is not None:
                total = total + result.usage
            if letters is not None:
                _write_letter(result, letters, _unique_name(path, lang, letter_names), lang)
    finally:
        if out:
            stream.close()
    by_method = ", ".join(f"{n} {m}" for m, n in sorted(methods.items())) or "none"
    cost = f"${total.estimated_cost_usd:.4f}" if total.estimated_cost_usd is not None else "n/a"
    stderr.print(
        f"{len(paths)} letters ({by_method}, {failures} unreadable); {total.requests} requests; "
        f"tokens in {total.input_tokens:,} (cached {total.cached_input_tokens:,}), "
        f"out {total.output_tokens:,}; estimated cost {cost}"
    )
    if failures:
        raise typer.Exit(1)


def _write_letter(det: Any, directory: Path, name: str, language: Any) -> None:
    from imr_llm.letters import render_letter

    directory.mkdir(parents=True, exist_ok=True)
    html = render_letter(det, format="html", language=language)
    (directory / name).write_text(html, encoding="utf-8")


def _unique_name(path: Path, language: str, taken: set[str]) -> str:
    """``<stem>.<language>.html``; letters of one run that share a stem (``a/x.pdf``,
    ``b/x.pdf``, ``x.txt``) get ``-2``, ``-3``... rather than overwrite each other."""
    stem, number = path.stem, 1
    name = f"{stem}.{language}.html"
    while name in taken:
        number += 1
        name = f"{stem}-{number}.{language}.html"
    taken.add(name)
    return name


def _language(value: str) -> Any:
    if value not in ("en", "es"):
        raise typer.BadParameter("language must be en or es", param_hint="--language")
    return value


@app.command()
def letter(
    path: Annotated[Path, typer.Argument(help="One letter: .txt or .pdf; - reads standard input.")],
    offline: Annotated[bool, typer.Option("--offline", help="Rules and templates only.")] = False,
    language: Annotated[str, typer.Option(help="en or es.")] = "en",
    format: Annotated[str, typer.Option("--format", help="html, md or pdf.")] = "html",
    out: Annotated[Path | None, typer.Option(help="Write here instead of stdout.")] = None,
) -> None:
    """Write a plain-language letter for the worker (HTML, Markdown or PDF)."""
    from imr_llm.letters import render_letter
    from imr_llm.pipeline import summarize as summarize_letter

    if format not in ("html", "md", "pdf"):
        raise typer.BadParameter("format must be html, md or pdf", param_hint="--format")
    lang = _language(language)
    det = summarize_letter(_stdin_for_dash(path), offline=True if offline else None)
    rendered = render_letter(det, format=format, language=lang)  # type: ignore[call-overload]
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(rendered, bytes):
            out.write_bytes(rendered)
        else:
            out.write_text(rendered, encoding="utf-8")
    elif isinstance(rendered, bytes):
        if sys.stdout.isatty():
            raise typer.BadParameter("a PDF needs --out FILE", param_hint="--out")
        sys.stdout.buffer.write(rendered)
    else:
        sys.stdout.write(rendered)


@app.command()
def stats(
    results: Annotated[
        Path, typer.Argument(help="JSON Lines from parse or summarize; - reads standard input.")
    ],
    csv: Annotated[bool, typer.Option("--csv", help="CSV on stdout instead of tables.")] = False,
) -> None:
    """Uphold and overturn rates by service category, guideline family and reviewer specialty."""
    from imr_llm.tables import load_jsonl, outcome_rates

    determinations = load_jsonl(_stdin_for_dash(results))
    groupings = (
        ("category", "Service category"),
        ("guideline", "Guideline family"),
        ("specialty", "Reviewer specialty"),
    )
    if csv:
        import csv as csv_module

        # Unix line ends: this goes down a pipe to awk or grep more often than to Excel.
        writer = csv_module.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["grouping", "group", "upheld", "overturned", "total", "overturn_rate"])
        for key, _ in groupings:
            for group, upheld, overturned, total in outcome_rates(determinations, key):
                rate = f"{overturned / total:.3f}"
                writer.writerow([key, group, upheld, overturned, total, rate])
        return
    from rich.console import Console
    from rich.table import Table

    console = Console()
    items = [i for d in determinations for i in d.items]
    upheld = sum(1 for i in items if not i.outcome.approved)
    console.print(
        f"{len(determinations)} letters, {len(items)} items: {upheld} upheld (not approved), "
        f"{len(items) - upheld} overturned (approved)"
    )
    if not items:
        # Every line an error, or an empty file: empty tables would only look like a bug.
        console.print(f"No decided items in {results}: nothing to tabulate.")
        return
    for key, title in groupings:
        table = Table(title=f"By {title.lower()}")
        for column in (title, "Upheld", "Overturned", "Total", "Overturned %"):
            table.add_column(column, justify="left" if column == title else "right")
        for group, up, over, total in outcome_rates(determinations, key):
            table.add_row(group, str(up), str(over), str(total), f"{100 * over / total:.0f}%")
        console.print(table)


@batch_app.command("prepare")
def batch_prepare(
    paths: Paths,
    out: Annotated[Path, typer.Option(help="The Batch API input file to write (JSONL).")],
    model: Annotated[str | None, typer.Option(help="Model name (default: IMR_LLM_MODEL).")] = None,
) -> None:
    """Write an OpenAI Batch API input file (one request per letter) and its manifest."""
    from imr_llm.batch import prepare
    from imr_llm.config import Settings

    if any(str(path) == "-" for path in paths):
        # collect reads every letter again to check that it has not changed since.
        raise typer.BadParameter("batch prepare needs letter files, not standard input")
    settings = Settings.from_env(model=model)
    requests, manifest, failures = prepare(_letters_in(paths), settings)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("".join(json.dumps(r) + "\n" for r in requests), encoding="utf-8")
    manifest_path = out.with_name(out.stem + ".manifest.jsonl")
    manifest_path.write_text("".join(json.dumps(m) + "\n" for m in manifest), encoding="utf-8")
    for source, exc in failures:
        _write_json_line(_error_line(source, exc))
    sys.stderr.write(f"{len(requests)} requests -> {out}; manifest -> {manifest_path}\n")
    if failures:
        raise typer.Exit(1)


@batch_app.command("collect")
def batch_collect(
    output: Annotated[Path, typer.Argument(help="The Batch API output file (JSONL).")],
    manifest: Annotated[
        Path | None, typer.Option(help="The manifest from prepare (default: beside the input).")
    ] = None,
    out: Annotated[Path | None, typer.Option(help="Write JSON Lines here, not stdout.")] = None,
    model: Annotated[str | None, typer.Option(help="The model the batch ran.")] = None,
) -> None:
    """Validate each batch answer as summarize does (cross-check, fallback); write results."""
    from imr_llm.batch import collect
    from imr_llm.config import Settings

    if manifest is None:
        candidates = sorted(output.parent.glob("*.manifest.jsonl"))
        if len(candidates) != 1:
            found = "none" if not candidates else f"{len(candidates)}"
            raise typer.BadParameter(
                f"{found} *.manifest.jsonl beside {output}; name the one prepare wrote",
                param_hint="--manifest",
            )
        manifest = candidates[0]
    settings = Settings.from_env(model=model)
    results = collect(_text_lines(output), _text_lines(manifest), settings)
    stream = out.open("w", encoding="utf-8") if out else sys.stdout
    failures = 0
    try:
        for source, result in results:
            if isinstance(result, ImrError):
                failures += 1
                _write_json_line(_error_line(source, result), stream)
            else:
                _write_json_line(result.to_json_dict(), stream)
    finally:
        if out:
            stream.close()
    if failures:
        raise typer.Exit(1)


def _text_lines(path: Path) -> list[str]:
    """A JSON Lines file's lines; read whole, so a bad file fails before any output."""
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as exc:
        raise DecodeError("not UTF-8 text", source=str(path)) from exc


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
    except OSError as exc:
        sys.stderr.write(f"imr-llm: {exc.strerror or exc}: {exc.filename or ''}\n")
        return 1
    return 0


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())


if __name__ == "__main__":
    run()
