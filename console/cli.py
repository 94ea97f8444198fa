"""Command line: the GUI's switches, and the headless ``export``, ``lookup``, ``accounts`` and ``sync`` for scripts.

The headless commands (:mod:`console.commands`) never end in a traceback: every failure is one or two
lines on standard error and an exit code:

* 0 done; 2 bad input (arguments, a filter value, a refused address, an output file that cannot be
  written, damaged settings); 3 login (a secret refused or missing, the keychain); 4 another vendor
  error; 5 network; 130 interrupted (Ctrl+C, or "no" to ``accounts remove``'s question);
* 141 the reader of standard output went away (``export ... | head -1``): nothing more is written or
  said, as a program stopped by SIGPIPE would (128 + 13, which ``set -o pipefail`` scripts already
  expect from ``cat``); the output is not complete, so it is not 0;
* 1 an error Vendor Console did not expect (a bug): one line, the details in the log file.

Secret login fields come only from ``VENDOR_CONSOLE_<FIELD>`` environment variables (or the keychain
for a saved account, memory for the demo workspace), never from the command line; a variable that is
set wins over the keychain.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from console import __version__

if TYPE_CHECKING:
    from console.commands.report import Reporter
    from console.core.errors import ConsoleError

# The window path imports as little as possible before the window is painted (bench/startup.py); this
# module is on that path, so logging, asyncio and the service layer are imported where they are used.

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_USAGE = 2
EXIT_AUTH = 3
EXIT_VENDOR = 4
EXIT_NETWORK = 5
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141
EXIT_CODES = ("exit codes: 0 done, 2 bad input, 3 login, 4 vendor error, 5 network, 130 interrupted, "
              "141 standard output closed early (| head), 1 unexpected error (see the log file)")


class UsageError(Exception):
    """Bad arguments: printed, exit code 2."""


class _RegisteredVendors:
    """The registered vendor ids as help text, read from the registry only when help is printed."""

    def __str__(self) -> str:
        from console.vendors import registry

        return ", ".join(registry.ids())


class VendorArgument(argparse.Action):
    """An option whose value is a vendor id; its help can say ``%(vendor_ids)s``.

    The registry (and every vendor package) is imported only to print the help, never to start the window.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.vendor_ids = _RegisteredVendors()

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:
        """Stores the value, as the default ``store`` action does."""
        setattr(namespace, self.dest, values)


def build_parser() -> argparse.ArgumentParser:
    """Returns the argument parser."""
    parser = argparse.ArgumentParser(
        prog="vendor-console",
        description="Vendor Console: browse, search and edit your SaaS vendors' data.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--demo", action="store_true", help="open the demo workspace (local emulators)")
    parser.add_argument("--no-demo", action="store_true", help="do not start the demo workspace")
    parser.add_argument("--smoke-test", action="store_true",
                        help="start offscreen on the demo workspace, load a page of contacts, print it, exit")
    parser.add_argument("--screenshot", metavar="PNG", type=Path,
                        help="open the demo workspace, save a screenshot of the window to PNG, exit")
    parser.add_argument("--open", metavar="ACCOUNT[/DATASET]", dest="open_at",
                        help="start on this account (by label) and, optionally, this dataset's tab")
    # Benchmark aid (bench/startup.py): print the unix time of the window's first paint and exit at once.
    parser.add_argument("--exit-after-paint", action="store_true", help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    exp = sub.add_parser(
        "export", help="stream a dataset to JSON Lines or CSV",
        description="Stream every page of a dataset to JSON Lines or CSV. Secret login fields are read "
                    "from VENDOR_CONSOLE_<FIELD> environment variables (e.g. VENDOR_CONSOLE_API_KEY).",
        epilog=EXIT_CODES,
    )
    exp.add_argument("--vendor", action=VendorArgument, help="vendor id (%(vendor_ids)s)")
    exp.add_argument("--base-url", help="everything before the vendor's documented paths")
    exp.add_argument("--account", metavar="LABEL",
                     help="use a saved account (or, with --demo, a demo account) instead of --vendor/--base-url")
    exp.add_argument("--demo", action="store_true",
                     help="export from the demo workspace (local emulators): --account \"Marketing (demo)\", "
                          "or --vendor for its first demo account")
    exp.add_argument("--dataset", required=True, help="dataset name (e.g. contacts)")
    exp.add_argument("--format", choices=("jsonl", "csv"), default="jsonl", help="output format (default jsonl)")
    exp.add_argument("--output", "-o", type=Path, help="output file (default: standard output)")
    exp.add_argument("--field", action="append", default=[], metavar="NAME=VALUE",
                     help="a non-secret login field (repeatable)")
    exp.add_argument("--filter", action="append", default=[], metavar="NAME=VALUE",
                     help="a server-side filter of the dataset (repeatable); the value is checked against the "
                      "filter's type (true/false, a date as YYYY-MM-DD, one of a list)")
    exp.add_argument("--order", choices=("asc", "desc"), help="order (default: the vendor's)")
    exp.add_argument("--page-size", type=int, default=None, help="records per request (default 100)")
    exp.add_argument("--quiet", "-q", action="store_true", help="no progress on standard error")
    look = sub.add_parser(
        "lookup", help="find a person or record in every saved account",
        description="Search every saved account (or those given with --account) at once for an email, a phone "
                    "number, a name or a record id. Prints JSON Lines: one line per hit, and one per account that "
                    "failed or cannot search that kind. An account whose local copy is complete (see sync) "
                    "answers from it (\"source\": \"mirror\"), the others are asked live (\"source\": "
                    "\"live\"). Exit code 0 when any account answered.",
        epilog=EXIT_CODES,
    )
    look.add_argument("query", help="an email, a phone number in any common format, a name, or a record id")
    look.add_argument("--account", action="append", default=[], metavar="LABEL",
                      help="only this saved account (repeatable; default: every account)")
    look.add_argument("--demo", action="store_true",
                      help="search the demo workspace's accounts (local emulators), e.g. --account \"Bright Smiles "
                           "(demo)\"")
    look.add_argument("--region", metavar="CC",
                      help="region of phone numbers written without a country code, e.g. US or GB "
                           "(default: the one chosen in the window, else your locale's)")
    look.add_argument("--timeout", type=float, default=10.0, help="seconds each account may take (default 10)")
    look.add_argument("--live", action="store_true",
                      help="ask the vendors even for accounts whose local copy is complete (see sync)")
    _add_accounts_parser(sub)
    _add_sync_parser(sub)
    return parser


def _add_sync_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``sync``: one sync round of each account's local copy, as *Sync now* in the window."""
    syn = sub.add_parser(
        "sync", help="bring each account's local copy up to date",
        description="Fetch each saved account's datasets into its local copy (encrypted on disk, its key in the "
                    "keychain; without a keychain it lasts only this run): a dataset not synced yet is read "
                    "completely, resuming where the last sync stopped; a synced one is checked for changes. "
                    "Progress goes to standard error. Ctrl+C stops at once and keeps what is stored.",
        epilog=EXIT_CODES,
    )
    syn.add_argument("--account", action="append", default=[], metavar="LABEL",
                     help="only this account (repeatable; default: every saved account)")
    syn.add_argument("--demo", action="store_true",
                     help="sync the demo workspace's accounts (local emulators), e.g. --account \"Marketing (demo)\"")
    syn.add_argument("--full", action="store_true",
                     help="read every dataset completely again (catches edits and deletions made elsewhere)")
    syn.add_argument("--quiet", "-q", action="store_true", help="no progress on standard error, only failures")


def _add_accounts_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``accounts add|list|remove``: the saved accounts, the same as File > Accounts."""
    acc = sub.add_parser(
        "accounts", help="add, list or remove saved accounts",
        description="The saved accounts, the same as the window's File > Accounts. Secret login fields come "
                    "only from VENDOR_CONSOLE_<FIELD> environment variables (e.g. VENDOR_CONSOLE_API_KEY); "
                    "when such a variable is set it wins over the keychain for every command and the window.",
        epilog=EXIT_CODES,
    )
    actions = acc.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="every saved account and where its secret comes from",
                                 description="Every saved account: label, vendor, base URL, mode, and whether "
                                             "its secret is in the keychain, in the environment, or missing.",
                                 epilog=EXIT_CODES)
    listing.add_argument("--json", action="store_true", help="one JSON object per account (JSON Lines)")
    listing.add_argument("--demo", action="store_true", help="list the demo workspace's accounts too")
    add = actions.add_parser(
        "add", help="save an account (its secret from VENDOR_CONSOLE_<FIELD>)",
        description="Save an account, checked as the window checks it (a label of its own, https:// unless "
                    "the server is this computer). Its secret login fields are read from VENDOR_CONSOLE_<FIELD> "
                    "environment variables and stored in the keychain; without a keychain the account is "
                    "saved and the variables must be set each time it is used.",
        epilog=EXIT_CODES,
    )
    add.add_argument("--vendor", required=True, action=VendorArgument, help="vendor id (%(vendor_ids)s)")
    add.add_argument("--label", required=True, help="the account's name (unique; commands find accounts by it)")
    add.add_argument("--base-url", help="everything before the vendor's documented paths (default: the vendor's)")
    add.add_argument("--field", action="append", default=[], metavar="NAME=VALUE",
                     help="a non-secret login field (repeatable)")
    add.add_argument("--option", action="append", default=[], metavar="KEY=VALUE",
                     help="a per-account option of the vendor (repeatable)")
    add.add_argument("--read-only", action="store_true", help="safe mode: the console offers no change")
    add.add_argument("--no-local-copy", action="store_true",
                     help="keep no local copy of its lists (the window's Keep a local copy; on by default)")
    add.add_argument("--allow-insecure", action="store_true",
                     help="allow plain http:// to another computer (the secret crosses the network unencrypted)")
    add.add_argument("--test", action="store_true",
                     help="test the connection first (as Test connection in the window); nothing is saved if "
                          "it fails")
    remove = actions.add_parser(
        "remove", help="remove a saved account and its keychain entry",
        description="Remove a saved account and its keychain entry; nothing is deleted at the vendor. Asks "
                    "first when standard input is a terminal.",
        epilog=EXIT_CODES.replace("130 interrupted", "130 interrupted or answered no"),
    )
    remove.add_argument("label", help="the account's label")
    remove.add_argument("--yes", "-y", action="store_true", help="do not ask")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``vendor-console`` and ``python -m console``."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "export":
        return run_export(args)
    if args.command == "lookup":
        return run_lookup(args)
    if args.command == "accounts":
        return run_accounts(args)
    if args.command == "sync":
        return run_sync(args)
    from console.app import run_gui

    return run_gui(args)


def pairs(items: list[str], what: str) -> dict[str, str]:
    """``NAME=VALUE`` arguments as a dict.

    Raises:
        UsageError: An item without ``=`` or without a name.
    """
    result: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"{what} must look like NAME=VALUE, got {item!r}")
        result[name.strip()] = value
    return result


Command = Callable[[argparse.Namespace, IO[str], "Reporter"], Coroutine[Any, Any, int]]


def run_export(args: argparse.Namespace, *, stdout: IO[str] | None = None, stderr: IO[str] | None = None) -> int:
    """Runs ``export``; returns the exit code."""
    from console.commands.export import export_command

    return run_command("export", export_command, args, stdout, stderr)


def run_lookup(args: argparse.Namespace, *, stdout: IO[str] | None = None, stderr: IO[str] | None = None) -> int:
    """Runs ``lookup``; returns the exit code."""
    from console.commands.lookup import lookup_command

    return run_command("lookup", lookup_command, args, stdout, stderr)


def run_accounts(args: argparse.Namespace, *, stdout: IO[str] | None = None, stderr: IO[str] | None = None) -> int:
    """Runs ``accounts add|list|remove``; returns the exit code."""
    from console.commands.accounts import accounts_command

    return run_command(f"accounts {args.action}", accounts_command, args, stdout, stderr)


def run_sync(args: argparse.Namespace, *, stdout: IO[str] | None = None, stderr: IO[str] | None = None) -> int:
    """Runs ``sync``; returns the exit code."""
    from console.commands.sync import sync_command

    return run_command("sync", sync_command, args, stdout, stderr)


def run_command(name: str, command: Command, args: argparse.Namespace, stdout: IO[str] | None,
                stderr: IO[str] | None) -> int:
    """Runs a headless command on its own event loop; every way it can end becomes an exit code.

    Args:
        name: The command's name (the prefix of its messages).
        command: The coroutine function: ``command(args, stdout, reporter)`` returns the exit code.
        args: Parsed arguments.
        stdout: Where records go (default ``sys.stdout``).
        stderr: Where messages go (default ``sys.stderr``).
    """
    from console.commands.report import Reporter, silence_broken_streams

    out = stdout or sys.stdout or _devnull()  # None when the shell closed the descriptor (>&-)
    err = stderr or sys.stderr or _devnull()
    say = Reporter(name, err)
    try:
        code = _run_reporting(name, command, args, out, say)
        # Python flushes standard output once more at exit, where a closed pipe is an "Exception
        # ignored" message and exit code 120: flush here, where it can still end quietly.
        out.flush()
        return code
    except BrokenPipeError:  # the reader went away (| head): nothing more to say, nowhere to say it
        silence_broken_streams(out, err)
        return EXIT_BROKEN_PIPE


def _run_reporting(name: str, command: Command, args: argparse.Namespace, out: IO[str], say: Reporter) -> int:
    """Runs the command; failures are said on ``say`` (a closed pipe raises BrokenPipeError)."""
    from console.core.errors import ConsoleError

    log_path: Path | None = None
    try:
        from console.core import log
        from console.core.settings import log_file

        try:
            log_path = log_file()
            log.setup(log_file=log_path)
        except OSError:  # no writable log folder: the command runs without a log file
            log_path = None
            log.setup()
        import asyncio

        return asyncio.run(command(args, out, say))
    except BrokenPipeError:
        raise
    except UsageError as exc:
        say.say(str(exc))
        return EXIT_USAGE
    except ConsoleError as exc:
        say.failure(exc)
        from console.core import log

        log.cli.warning("%s failed: %s", name, exc)
        return exit_code_for(exc)
    except KeyboardInterrupt:
        say.say("interrupted")
        return EXIT_INTERRUPTED
    except Exception as exc:  # a bug: one line here, the traceback in the log file
        import logging

        logging.getLogger("console.cli").error("%s failed unexpectedly", name, exc_info=exc)
        where = f"; the details are in {log_path}" if log_path is not None else ""
        say.say(f"unexpected error ({type(exc).__name__}: {exc}){where}")
        return EXIT_INTERNAL


def _devnull() -> IO[str]:
    return open(os.devnull, "w", encoding="utf-8")  # lives as long as the process


def exit_code_for(error: ConsoleError) -> int:
    """Maps a typed error to the exit codes (see the module's docstring)."""
    from console.core.errors import (
        AuthError,
        ConfigError,
        ConnectionFailed,
        InsecureConnection,
        KeychainUnavailable,
        PermissionDenied,
    )
    from console.services.accounts import SecretMissing

    if isinstance(error, AuthError | PermissionDenied | KeychainUnavailable | SecretMissing):
        return EXIT_AUTH
    if isinstance(error, ConnectionFailed):
        return EXIT_NETWORK
    if isinstance(error, InsecureConnection | ConfigError):
        return EXIT_USAGE
    return EXIT_VENDOR
