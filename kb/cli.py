"""Command line: `build_kb.py [build|check|site]`; errors as `path:line: field: message`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kb.build import Project, check, generate
from kb.problems import InputError


def main(argv: list[str] | None = None) -> int:
    """Run a command and return the process exit status."""
    parser = argparse.ArgumentParser(prog="build_kb.py", description="Generate the knowledge base pages from sources/ and taxonomy.yml.")
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="project folder (default: the current folder)")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("build", help="generate the pages under docs/ (the default)")
    check_cmd = commands.add_parser("check", help="validate sources and taxonomy only; write nothing")
    check_cmd.add_argument("--format", choices=("text", "github"), default="text", help="github: GitHub Actions annotations")
    args = parser.parse_args(argv)
    project = Project(args.root.resolve())
    style = getattr(args, "format", "text")
    try:
        if args.command == "check":
            _, articles = check(project)
            print(f"OK: taxonomy and {len(articles)} sources are valid.")
        else:
            report = generate(project)
            print(f"Generated {len(report.written)} changed, {report.unchanged} unchanged and removed {len(report.removed)} pages under docs/.")
    except InputError as err:
        for problem in err.problems:
            print(problem.format(style), file=sys.stderr if style == "text" else sys.stdout)
        print(str(err), file=sys.stderr)
        return 1
    return 0
