# SPDX-License-Identifier: BSD-3-Clause
"""A Sphinx directive that documents the ``fastent`` command from its own argparse parser.

``.. fastent-command::`` renders ``fastent.cli.build_parser()`` itself (the program's usage and
its subcommands); ``.. fastent-command:: rank`` renders one subcommand: its usage line, its
description, every option with its metavar, choices, default and help text, and its epilog.  The
page is built from the parser the command runs, so the reference cannot drift from ``--help``.
"""

from __future__ import annotations

import argparse
import os
from contextlib import contextmanager
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective

#: Width the help is formatted for (argparse reads it from $COLUMNS): fixed, so the pages do not
#: depend on the terminal that runs the build.
WIDTH = 100


@contextmanager
def _columns(width: int) -> Any:
    saved = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = str(width)
    try:
        yield
    finally:
        if saved is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = saved


def _subparsers(parser: argparse.ArgumentParser) -> argparse._SubParsersAction | None:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    return None


def _invocation(action: argparse.Action, formatter: argparse.HelpFormatter) -> str:
    """``--method {mi,mrmr,jmi,cmim}, -m`` as argparse's help shows it (long name first)."""
    if not action.option_strings:
        return formatter._format_action_invocation(action)
    strings = sorted(action.option_strings, key=lambda s: (not s.startswith("--"), s))
    if action.nargs == 0:
        return ", ".join(strings)
    args = formatter._format_args(action, formatter._get_default_metavar_for_optional(action))
    return ", ".join([f"{strings[0]} {args}", *strings[1:]])


def _literal(text: str) -> nodes.literal_block:
    block = nodes.literal_block(text, text)
    block["language"] = "text"
    return block


class FastentCommand(SphinxDirective):
    """``.. fastent-command:: [SUBCOMMAND]``: the reference of ``fastent [SUBCOMMAND]``."""

    optional_arguments = 1
    has_content = False
    option_spec: ClassVar[dict[str, Any]] = {"no-epilog": directives.flag}

    def run(self) -> list[nodes.Node]:
        import fastent.cli

        self.env.note_dependency(fastent.cli.__file__)
        with _columns(WIDTH):
            parser = fastent.cli.build_parser()
            name = self.arguments[0] if self.arguments else None
            if name is not None:
                sub = _subparsers(parser)
                if sub is None or name not in sub.choices:
                    raise self.error(f"fastent has no subcommand {name!r}")
                parser = sub.choices[name]
            formatter = parser._get_formatter()
            out: list[nodes.Node] = []
            out.append(_literal(parser.format_usage().strip()))
            if parser.description:
                for para in parser.description.split("\n\n"):
                    text = nodes.paragraph(text=" ".join(para.split()))
                    text["support_smartquotes"] = False
                    out.append(text)
            out.append(self._arguments(parser, formatter))
            if parser.epilog and "no-epilog" not in self.options:
                out.append(_literal(parser.epilog.rstrip()))
        return out

    def _arguments(
        self, parser: argparse.ArgumentParser, formatter: argparse.HelpFormatter
    ) -> nodes.definition_list:
        """Every argument as a term (its invocation) and a definition (help, choices, default)."""
        items = nodes.definition_list()
        items["support_smartquotes"] = False  # help texts are shown as typed: --bins, 'tab'
        for action in parser._actions:
            if action.help == argparse.SUPPRESS:
                continue
            if isinstance(action, argparse._SubParsersAction):
                for choice in action._choices_actions:
                    term = nodes.term("", "")
                    term += nodes.literal(text=f"fastent {choice.dest}")
                    body = nodes.definition()
                    body += nodes.paragraph(text=formatter._expand_help(choice))
                    items += nodes.definition_list_item("", term, body)
                continue
            term = nodes.term("", "")
            term += nodes.literal(text=_invocation(action, formatter))
            body = nodes.definition()
            body += nodes.paragraph(text=formatter._expand_help(action) if action.help else "")
            items += nodes.definition_list_item("", term, body)
        return items


def setup(app: Any) -> dict[str, Any]:
    app.add_directive("fastent-command", FastentCommand)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
