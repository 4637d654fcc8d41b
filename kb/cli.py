"""Command line: `build_kb.py [build|check|site|new|diff]`; errors as `path:line: field: message`."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from kb import evaluate, new, summary
from kb.build import Project, check, generate
from kb.pages import sitemap
from kb.problems import InputError
from kb.site import build_site
from kb.suggestions import suggest_entities


def _build(project: Project, args: argparse.Namespace) -> int:
    report = generate(project)
    if report.recovered:
        print(f"docs/: an earlier run was interrupted while writing; its changes were {report.recovered} before this one.", file=sys.stderr)
    print(f"Generated pages under docs/: {len(report.written)} written, {report.unchanged} unchanged, {len(report.removed)} removed.")
    return 0


def _check(project: Project, args: argparse.Namespace) -> int:
    _, articles, entities = check(project)
    if args.format == "text":
        print(f"OK: taxonomy.yml and {len(articles)} sources are valid.")
    for suggestion in suggest_entities(project.root, articles, entities, sitemap.reserved("people")):
        print(suggestion.format(args.format), file=sys.stdout if args.format == "github" else sys.stderr)
    return 0


def _evaluate(project: Project, args: argparse.Namespace) -> int:
    return evaluate.command(project.root, project.taxonomy, args)


def _site(project: Project, args: argparse.Namespace) -> int:
    return build_site(project)


def _new(project: Project, args: argparse.Namespace) -> int:
    return new.command(project.sources, args)


def _diff(project: Project, args: argparse.Namespace) -> int:
    print(summary.markdown(summary.compare(args.base, args.head)), end="")
    return 0


def parser() -> argparse.ArgumentParser:
    """The argument parser, one subcommand per task."""
    top = argparse.ArgumentParser(prog="build_kb.py", description="Generate the knowledge base from sources/ and taxonomy.yml.")
    top.add_argument("--root", type=Path, default=Path.cwd(), help="project folder (default: the current folder)")
    top.set_defaults(run=_build, format="text")
    commands = top.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("build", help="generate the pages under docs/ (the default)").set_defaults(run=_build)
    check_cmd = commands.add_parser("check", help="validate sources and taxonomy only; write nothing")
    check_cmd.add_argument("--format", choices=("text", "github"), default="text", help="github: GitHub Actions annotations")
    check_cmd.set_defaults(run=_check)
    commands.add_parser("site", help="generate, then build the static site into site/ (swapped in only on success)").set_defaults(run=_site)
    new_cmd = commands.add_parser("new", help="start sources/<id>.md from a web capture (--from FILE) or from scratch")
    new.add_arguments(new_cmd)
    new_cmd.set_defaults(run=_new)
    evaluate_cmd = commands.add_parser("evaluate", help="precision and recall of tagging and dating on a labeled corpus")
    evaluate.add_arguments(evaluate_cmd)
    evaluate_cmd.set_defaults(run=_evaluate)
    diff_cmd = commands.add_parser("diff", help="summarise in Markdown how the pages of HEAD_DOCS differ from BASE_DOCS")
    diff_cmd.add_argument("base", type=Path, metavar="BASE_DOCS", help="docs/ generated from the base commit")
    diff_cmd.add_argument("head", type=Path, metavar="HEAD_DOCS", help="docs/ generated from the proposed change")
    diff_cmd.set_defaults(run=_diff)
    return top


class _Notes(logging.Handler):
    """Files skipped on purpose (kb.notes), one `path: field: message` line each, as GitHub notices with --format github."""

    def __init__(self, style: str) -> None:
        super().__init__()
        self.style = style

    def emit(self, record: logging.LogRecord) -> None:
        problem = getattr(record, "problem", None)
        if self.style == "github" and problem is not None:
            print(problem.format("github").replace("::error", "::notice", 1))
        else:
            print(record.getMessage(), file=sys.stderr)


def _show_notes(style: str) -> None:
    logger = logging.getLogger("kb.notes")
    logger.handlers = [_Notes(style)]
    logger.propagate = False


def main(argv: list[str] | None = None) -> int:
    """Run a command and return the process exit status."""
    args = parser().parse_args(argv)
    project = Project(args.root.resolve())
    _show_notes(args.format)
    try:
        return int(args.run(project, args))
    except InputError as err:
        stream = sys.stdout if args.format == "github" else sys.stderr
        for problem in err.problems:
            print(problem.format(args.format), file=stream)
        print(str(err), file=sys.stderr)
        return 1
