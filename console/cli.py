"""Command line: the GUI's switches, and headless ``export`` for scripts.

Exit codes of ``export``: 0 done, 2 usage, 3 authentication, 4 other vendor error, 5 network.
Secret login fields come only from ``VENDOR_CONSOLE_<FIELD>`` environment variables (or the keychain
for a saved account), never from the command line.
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
    from console.core.errors import ConsoleError

# The window path imports as little as possible before the window is painted (bench/startup.py); this
# module is on that path, so logging, asyncio and the service layer are imported where they are used.

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_AUTH = 3
EXIT_VENDOR = 4
EXIT_NETWORK = 5


class UsageError(Exception):
    """Bad arguments: printed, exit code 2."""


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
    )
    exp.add_argument("--vendor", help="vendor id (systeme, setster, setsmart, launch27, setera)")
    exp.add_argument("--base-url", help="everything before the vendor's documented paths")
    exp.add_argument("--account", metavar="LABEL", help="use a saved account instead of --vendor/--base-url")
    exp.add_argument("--dataset", required=True, help="dataset name (e.g. contacts)")
    exp.add_argument("--format", choices=("jsonl", "csv"), default="jsonl", help="output format (default jsonl)")
    exp.add_argument("--output", "-o", type=Path, help="output file (default: standard output)")
    exp.add_argument("--field", action="append", default=[], metavar="NAME=VALUE",
                     help="a non-secret login field (repeatable)")
    exp.add_argument("--filter", action="append", default=[], metavar="NAME=VALUE",
                     help="a server-side filter of the dataset (repeatable)")
    exp.add_argument("--order", choices=("asc", "desc"), help="order (default: the vendor's)")
    exp.add_argument("--page-size", type=int, default=None, help="records per request (default 100)")
    exp.add_argument("--quiet", "-q", action="store_true", help="no progress on standard error")
    look = sub.add_parser(
        "lookup", help="find a person or record in every saved account",
        description="Search every saved account (or those given with --account) at once for an email, a phone "
                    "number, a name or a record id. Prints JSON Lines: one line per hit, and one per account that "
                    "failed or cannot search that kind. Exit code 0 when any account answered.",
    )
    look.add_argument("query", help="an email, a phone number in any common format, a name, or a record id")
    look.add_argument("--account", action="append", default=[], metavar="LABEL",
                      help="only this saved account (repeatable; default: every account)")
    look.add_argument("--demo", action="store_true", help="search the demo workspace's accounts (local emulators)")
    look.add_argument("--region", metavar="CC",
                      help="region of phone numbers written without a country code, e.g. US or GB "
                           "(default: the one chosen in the window, else your locale's)")
    look.add_argument("--timeout", type=float, default=10.0, help="seconds each account may take (default 10)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``vendor-console`` and ``python -m console``."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "export":
        return run_export(args)
    if args.command == "lookup":
        return run_lookup(args)
    from console.app import run_gui

    return run_gui(args)


def _pairs(items: list[str], what: str) -> dict[str, str]:
    result: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"{what} must look like NAME=VALUE, got {item!r}")
        result[name.strip()] = value
    return result


def _run_command(name: str, command: Callable[[argparse.Namespace, IO[str], IO[str]], Coroutine[Any, Any, int]],
                 args: argparse.Namespace, stdout: IO[str] | None, stderr: IO[str] | None) -> int:
    """Runs a headless subcommand on its own event loop; usage errors and Ctrl+C become exit codes."""
    err = stderr or sys.stderr
    from console.core import log
    from console.core.settings import log_file

    log.setup(log_file=log_file())
    import asyncio

    try:
        return asyncio.run(command(args, stdout or sys.stdout, err))
    except UsageError as exc:
        print(f"vendor-console {name}: {exc}", file=err)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(f"vendor-console {name}: interrupted", file=err)
        return 130


def run_export(args: argparse.Namespace, *, stdout: IO[str] | None = None, stderr: IO[str] | None = None) -> int:
    """Runs ``export``; returns the exit code."""
    return _run_command("export", _export, args, stdout, stderr)


def run_lookup(args: argparse.Namespace, *, stdout: IO[str] | None = None, stderr: IO[str] | None = None) -> int:
    """Runs ``lookup``; returns the exit code."""
    return _run_command("lookup", _lookup, args, stdout, stderr)


async def _lookup(args: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    import asyncio
    import json

    from console.core.credentials import KeyringStore
    from console.core.lookup import classify, system_region
    from console.core.settings import AccountsFile, LookupHistory
    from console.services.accounts import AccountService
    from console.services.lookup import LookupService, State

    if args.timeout <= 0:
        raise UsageError("--timeout must be a positive number of seconds")
    region = (args.region or LookupHistory().region() or system_region()).upper()
    if len(region) != 2 or not region.isalpha():
        raise UsageError(f"--region must be a two-letter country code like US or GB, got {region!r}")
    query = classify(args.query, region)
    accounts = AccountService(accounts_file=AccountsFile(), keychain=KeyringStore())
    accounts.load()
    workspace = None
    try:
        if args.demo:
            from console.sandbox.workspace import DemoWorkspace

            workspace = await asyncio.to_thread(DemoWorkspace.start)
            await accounts.add_demo(workspace.accounts, workspace.secrets)
        chosen = accounts.accounts()
        if args.account:
            missing = [label for label in args.account if accounts.by_label(label) is None]
            if missing:
                raise UsageError(f"no account is labelled {', '.join(repr(m) for m in missing)}")
            chosen = [a for a in chosen if a.label in args.account]
        if not chosen:
            raise UsageError("there are no saved accounts: add one in the window, or use --demo")
        answered, first_error = False, None
        service = LookupService(accounts, timeout=args.timeout)
        async for outcome in service.stream(query, [a.id for a in chosen]):
            for hit in outcome.hits:
                print(json.dumps(hit.to_json(), ensure_ascii=False), file=out, flush=True)
            if outcome.state in (State.FAILED, State.UNSUPPORTED):
                print(json.dumps(outcome.to_json(), ensure_ascii=False), file=out, flush=True)
            answered = answered or outcome.state in (State.HITS, State.NONE)
            first_error = first_error or outcome.error
        if answered:
            return EXIT_OK
        return exit_code_for(first_error) if first_error is not None else EXIT_VENDOR
    finally:
        await accounts.aclose()
        if workspace is not None:
            await asyncio.to_thread(workspace.stop)


def exit_code_for(error: ConsoleError) -> int:
    """Maps a typed error to the export exit codes."""
    from console.core.errors import AuthError, ConnectionFailed, KeychainUnavailable, PermissionDenied

    if isinstance(error, AuthError | PermissionDenied | KeychainUnavailable):
        return EXIT_AUTH
    if isinstance(error, ConnectionFailed):
        return EXIT_NETWORK
    return EXIT_VENDOR


async def _export(args: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    from console.core import log
    from console.core.credentials import KeyringStore
    from console.core.errors import ConsoleError, KeychainUnavailable
    from console.core.models import Query
    from console.core.settings import AccountConfig, AccountsFile
    from console.services.accounts import AccountService, SecretMissing
    from console.services.export import export_dataset, export_to_file, make_writer
    from console.vendors import registry

    accounts = AccountService(accounts_file=AccountsFile(), keychain=KeyringStore())
    env_secrets: dict[str, str] = {}
    if args.account:
        accounts.load()
        account = accounts.by_label(args.account)
        if account is None:
            raise UsageError(f"no saved account is labelled {args.account!r}")
        if args.vendor and args.vendor != account.vendor:
            raise UsageError(f"account {args.account!r} is a {account.vendor} account, not {args.vendor}")
        if args.base_url:
            account.base_url = args.base_url
    else:
        if not args.vendor:
            raise UsageError("give --vendor (or --account LABEL)")
        if args.vendor not in registry.ids():
            raise UsageError(f"unknown vendor {args.vendor!r}; choose from {', '.join(registry.ids())}")
        spec = registry.get(args.vendor)
        base_url = args.base_url or spec.default_base_url_for(_pairs(args.field, "--field"))
        if not base_url or "<" in base_url:
            raise UsageError(f"{spec.display_name} has no default base URL; give --base-url")
        account = AccountConfig(id="cli", vendor=spec.id, label=f"{spec.display_name} (command line)",
                                base_url=base_url)
    spec = registry.get(account.vendor)
    fields = dict(account.fields)
    fields.update(_pairs(args.field, "--field"))
    known = {f.name for f in spec.login_fields}
    for name in fields:
        if name not in known:
            raise UsageError(f"{spec.display_name} has no login field {name!r} (fields: {', '.join(sorted(known))})")
        if any(f.name == name and f.secret for f in spec.login_fields):
            raise UsageError(f"{name} is secret: set VENDOR_CONSOLE_{name.upper()} instead")
    for lf in spec.plain_fields:
        if not fields.get(lf.name) and lf.default:
            fields[lf.name] = lf.default
    for lf in spec.plain_fields:
        if lf.applies(fields) and not fields.get(lf.name):
            raise UsageError(f"{spec.display_name} needs --field {lf.name}=...")
        if lf.choices and lf.applies(fields) and fields[lf.name] not in lf.choices:
            raise UsageError(f"--field {lf.name} must be one of {', '.join(lf.choices)}")
    account.fields = fields
    for lf in spec.secrets_for(fields):
        value = os.environ.get(lf.env_var)
        if value:
            log.register_secret(value)
            env_secrets[lf.name] = value
    try:
        dataset = spec.dataset(args.dataset)
    except KeyError:
        raise UsageError(
            f"{spec.display_name} has no dataset {args.dataset!r} "
            f"(datasets: {', '.join(d.name for d in spec.datasets)})"
        ) from None
    filters = _pairs(args.filter, "--filter")
    allowed = {f.key for f in dataset.filters if f.applies(fields)}
    for name in filters:
        if name not in allowed:
            raise UsageError(f"{dataset.label} cannot be filtered by {name!r} (filters: {', '.join(sorted(allowed))})")
    descending = dataset.default_descending if args.order is None else args.order == "desc"
    query = Query(filters=filters, descending=descending)
    if args.page_size is not None and args.page_size <= 0:
        raise UsageError("--page-size must be a positive number")

    try:
        secrets = dict(env_secrets)
        missing = [lf for lf in spec.secrets_for(fields) if lf.name not in secrets]
        if missing and args.account:
            stored = await accounts.secrets_of(account)
            secrets = {**stored, **secrets}
        elif missing:
            names = ", ".join(lf.env_var for lf in missing)
            raise UsageError(f"set {names} in the environment (secrets are never taken from the command line)")
    except (SecretMissing, KeychainUnavailable) as exc:
        print(f"vendor-console export: {exc.user_message.render()}", file=err)
        return EXIT_AUTH

    client = accounts.build_client(account, secrets)
    target: Path | None = args.output
    quiet = args.quiet

    def warn(text: str) -> None:
        print(f"vendor-console export: warning: {text}", file=err)

    def progress(state: Any) -> None:
        if quiet:
            return
        if state.done or state.pages % 10 == 1:
            tail = " done" if state.done else ""
            print(f"{dataset.name}: {state.records:,} records, {state.pages} pages, {state.seconds:.1f} s{tail}",
                  file=err, flush=True)

    try:
        kwargs: dict[str, Any] = {"query": query, "progress": progress}
        if args.page_size:
            kwargs["page_size"] = args.page_size
        if target is not None:  # the file appears only once complete
            await export_to_file(client, dataset.name, target, args.format, on_warning=warn, **kwargs)
        else:
            await export_dataset(client, dataset.name, make_writer(args.format, out, warn), **kwargs)
        return EXIT_OK
    except ConsoleError as exc:
        print(f"vendor-console export: {exc}", file=err)
        if exc.user_message.next_step:
            print(f"  {exc.user_message.next_step}", file=err)
        log.cli.warning("export failed: %s", exc)
        return exit_code_for(exc)
    except OSError as exc:
        print(f"vendor-console export: cannot write {target}: {exc.strerror or exc}", file=err)
        return EXIT_USAGE
    finally:
        await client.aclose()
