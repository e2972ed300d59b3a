"""The argument parser of ``seisfoc``: usage errors name the sub-command and suggest.

argparse's own parser reports an unknown option of a sub-command with the *top-level*
usage (``seisfoc [-h] [--version] COMMAND ...``), because the sub-command hands what it
does not know up to ``seisfoc``, and an unknown command or choice lists the choices
without saying which one was probably meant. :class:`SeisfocParser` (the class of
``seisfoc`` and, through ``add_subparsers``, of every sub-command and sub-sub-command)
instead reports

* an unknown option with the usage of the command it was given to and the closest
  spelling: ``seisfoc pinv: error: unrecognized arguments: --uncertanty (did you mean
  --uncertainty?)``;
* an invalid choice (a command, a ``cmt`` stage, ``--mode``...) with the closest choice:
  ``invalid choice: 'fsp' (choose from ...); did you mean fps?``;
* a missing required argument together with the unknown options given (a typo'd option
  is often why the argument seems missing).

Exit status 2, one message, as argparse. Abbreviations of long options are accepted as
argparse accepts them (a unique prefix); only options shown in ``--help`` are suggested.
"""

from __future__ import annotations

import argparse
import difflib
from collections.abc import Sequence
from typing import Any, NoReturn

__all__ = ["SeisfocParser", "closest"]

#: how alike (difflib's ratio, 0-1) a word must be to its suggestion
CUTOFF = 0.6


def closest(word: str, candidates: Sequence[str]) -> str | None:
    """The candidate spelled most like ``word`` (difflib), or None when none is close.

    Parameters
    ----------
    word
        What the user typed (an option without its ``=value``, a command, a choice).
    candidates
        The valid spellings.

    Returns
    -------
    str or None
        The closest candidate with a similarity of at least :data:`CUTOFF`.
    """
    found = difflib.get_close_matches(word, list(candidates), n=1, cutoff=CUTOFF)
    return found[0] if found else None


class _SubcommandsAction(argparse._SubParsersAction):  # type: ignore[type-arg]
    """argparse's sub-command action, marking each sub-parser as a sub-command (it then
    reports its own unknown options instead of handing them up)."""

    def add_parser(self, name: str, **kwargs: Any) -> argparse.ArgumentParser:
        parser = super().add_parser(name, **kwargs)
        if isinstance(parser, SeisfocParser):
            parser.is_subcommand = True
        return parser


class SeisfocParser(argparse.ArgumentParser):
    """An :class:`argparse.ArgumentParser` whose usage errors name the command at fault
    and suggest the closest spelling (see the module documentation)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.is_subcommand = False
        self._given: list[str] = []
        self.register("action", "parsers", _SubcommandsAction)

    # ------------------------------------------------------------ what is known

    def _visible_options(self) -> list[str]:
        """The option strings ``--help`` shows (hidden, deprecated ones are not offered)."""
        return [
            option
            for action in self._actions
            if action.help != argparse.SUPPRESS
            for option in action.option_strings
        ]

    def _is_known(self, token: str) -> bool:
        name = token.split("=", 1)[0]
        if name in self._option_string_actions:
            return True
        if self.allow_abbrev and name.startswith("--"):
            return any(o.startswith(name) for o in self._option_string_actions)
        return False

    def _unknown_options(self, tokens: Sequence[str]) -> list[str]:
        """The tokens that look like options this parser does not know (up to ``--``)."""
        out = []
        for token in tokens:
            if token == "--":
                break
            if (
                len(token) > 1
                and token[0] in self.prefix_chars
                and not self._negative_number_matcher.match(token)
                and not self._is_known(token)
            ):
                out.append(token)
        return out

    def describe_unrecognized(self, extras: Sequence[str]) -> str:
        """``unrecognized arguments: A (did you mean B?) C`` for ``extras``."""
        words = []
        options = self._visible_options()
        for token in extras:
            text = token
            if len(token) > 1 and token[0] in self.prefix_chars:
                guess = closest(token.split("=", 1)[0], options)
                if guess is not None:
                    text += f" (did you mean {guess}?)"
            words.append(text)
        return "unrecognized arguments: " + " ".join(words)

    # ------------------------------------------------------------ argparse hooks

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: Any = None
    ) -> tuple[Any, list[str]]:
        import sys

        self._given = list(sys.argv[1:] if args is None else args)
        namespace, extras = super().parse_known_args(args, namespace)
        if self.is_subcommand and extras:
            # a sub-command reports its own unknown arguments, with its own usage
            self.error(self.describe_unrecognized(extras))
        return namespace, extras

    def parse_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: Any = None
    ) -> Any:
        namespace, extras = self.parse_known_args(args, namespace)
        if extras:
            self.error(self.describe_unrecognized(extras))
        return namespace

    def _check_value(self, action: argparse.Action, value: Any) -> None:
        try:
            super()._check_value(action, value)  # type: ignore[misc]
        except argparse.ArgumentError as err:
            choices = action.choices
            guess = None
            if isinstance(value, str) and choices is not None:
                guess = closest(value, [str(c) for c in choices])
            if guess is None:
                raise
            raise argparse.ArgumentError(action, f"{err.message}; did you mean {guess}?") from None

    def error(self, message: str) -> NoReturn:
        if message.startswith(("the following arguments are required", "one of the arguments")):
            unknown = self._unknown_options(self._given)
            if unknown:
                message += "; " + self.describe_unrecognized(unknown)
        super().error(message)
