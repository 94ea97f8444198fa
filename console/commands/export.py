"""``vendor-console export``: every page of a dataset to JSON Lines or CSV, for scripts.

Everything the arguments can get wrong is found before the first request (and before the demo
workspace starts): the account, its login fields, the dataset, each filter's name and value (checked
against the filter's type), the base URL. Notes about what the vendor's server does not offer are
said once each on standard error as they come, and the records left out because their id repeated
one already exported are counted in one warning line at the end.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from console.cli import EXIT_OK, EXIT_USAGE, UsageError, pairs
from console.commands.demo import choose_demo, find_demo, start_demo, stop_demo
from console.commands.report import Reporter
from console.core.credentials import environment_secret
from console.core.models import DatasetSpec, Query
from console.core.settings import AccountConfig
from console.core.urls import base_url_problem
from console.services.filters import FilterValueError, filter_value
from console.vendors import registry
from console.vendors.base import VendorSpec

if TYPE_CHECKING:
    from console.services.accounts import AccountService
    from console.services.export import ExportProgress


@dataclass(slots=True)
class ExportPlan:
    """What to export, from the arguments alone.

    Attributes:
        spec: The vendor.
        account: The account (saved, built from the arguments, or the demo's).
        dataset: The dataset.
        query: Filters (checked and as sent) and order.
        env_secrets: Secrets from ``VENDOR_CONSOLE_<FIELD>`` variables.
        demo: The account is the demo workspace's (its emulator starts for the export).
    """

    spec: VendorSpec
    account: AccountConfig
    dataset: DatasetSpec
    query: Query
    env_secrets: dict[str, str] = field(default_factory=dict)
    demo: bool = False


def _account(args: argparse.Namespace, accounts: AccountService) -> tuple[AccountConfig, bool]:
    """The account to export from, and whether it is the demo's."""
    if args.demo:
        if args.base_url:
            raise UsageError("--demo exports from the local emulators; leave out --base-url")
        choice = choose_demo(args.account, args.vendor)
        demo = choice.account
        return AccountConfig(id=f"demo-{choice.spec.id}", vendor=choice.spec.id, label=demo.label, base_url="",
                             fields=dict(demo.fields), options=dict(demo.options), demo=True), True
    if args.account:
        accounts.load()
        account = accounts.by_label(args.account)
        if account is None:
            hint = "; it is a demo account: add --demo" if find_demo(args.account) is not None else ""
            raise UsageError(f"no saved account is labelled {args.account!r}{hint}")
        if args.vendor and args.vendor != account.vendor:
            raise UsageError(f"account {args.account!r} is a {account.vendor} account, not {args.vendor}")
        if args.base_url:
            account.base_url = args.base_url
        return account, False
    if not args.vendor:
        raise UsageError("give --vendor (or --account LABEL, or --demo --account LABEL)")
    if args.vendor not in registry.ids():
        raise UsageError(f"unknown vendor {args.vendor!r}; choose from {', '.join(registry.ids())}")
    spec = registry.get(args.vendor)
    base_url = args.base_url or spec.default_base_url_for(pairs(args.field, "--field"))
    if not base_url or "<" in base_url:
        raise UsageError(f"{spec.display_name} has no default base URL; give --base-url")
    return AccountConfig(id="cli", vendor=spec.id, label=f"{spec.display_name} (command line)",
                         base_url=base_url), False


def login_fields(args: argparse.Namespace, spec: VendorSpec, account: AccountConfig) -> dict[str, str]:
    """The account's non-secret login fields with ``--field`` on top, defaults filled, checked."""
    fields = dict(account.fields)
    fields.update(pairs(args.field, "--field"))
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
    return fields


def _query(args: argparse.Namespace, dataset: DatasetSpec, fields: dict[str, str]) -> Query:
    """The filters, each checked against its filter's type, and the order."""
    specs = {f.key: f for f in dataset.filters if f.applies(fields)}
    filters: dict[str, str] = {}
    for name, value in pairs(args.filter, "--filter").items():
        spec = specs.get(name)
        if spec is None:
            names = ", ".join(sorted(specs)) or "none"
            raise UsageError(f"{dataset.label} cannot be filtered by {name!r} (filters: {names})")
        try:
            filters[name] = filter_value(spec, value)
        except FilterValueError as exc:
            raise UsageError(f"--filter {exc}") from None
    descending = dataset.default_descending if args.order is None else args.order == "desc"
    return Query(filters=filters, descending=descending)


def plan_export(args: argparse.Namespace, accounts: AccountService) -> ExportPlan:
    """Checks the arguments and says what to export.

    Raises:
        UsageError: Something in the arguments cannot be used.
    """
    account, demo = _account(args, accounts)
    spec = registry.get(account.vendor)
    account.fields = login_fields(args, spec, account)
    env_secrets: dict[str, str] = {}
    if not demo:  # the demo's secrets are its own (a real key in the environment is not for it)
        for lf in spec.secrets_for(account.fields):
            value = environment_secret(lf)  # the one rule: a set variable wins (and is masked from now on)
            if value:
                env_secrets[lf.name] = value
    try:
        dataset = spec.dataset(args.dataset)
    except KeyError:
        raise UsageError(
            f"{spec.display_name} has no dataset {args.dataset!r} "
            f"(datasets: {', '.join(d.name for d in spec.datasets)})"
        ) from None
    query = _query(args, dataset, account.fields)
    if args.page_size is not None and args.page_size <= 0:
        raise UsageError("--page-size must be a positive number")
    if not demo:
        problem = base_url_problem(account.base_url, allow_insecure=account.allow_insecure)
        if problem:
            where = "the base URL" if args.base_url else f"the base URL of {account.label!r}"
            how = ""
            if account.base_url.strip().lower().startswith("http://"):
                how = (" For a server without https, save the account in the window, allow insecure connections "
                       "for it (File > Accounts), and export with --account.")
            raise UsageError(f"{where} {account.base_url!r} cannot be used: {problem}{how}")
    return ExportPlan(spec, account, dataset, query, env_secrets, demo)


async def _secrets(plan: ExportPlan, accounts: AccountService, saved: bool) -> dict[str, str]:
    """The secrets to log in with: the environment's, then a saved account's keychain entries.

    Raises:
        UsageError: A secret is needed and there is no saved account to read it from.
        SecretMissing, KeychainUnavailable: The keychain has none, or cannot be read (exit 3).
    """
    secrets = dict(plan.env_secrets)
    missing = [lf for lf in plan.spec.secrets_for(plan.account.fields) if lf.name not in secrets]
    if missing and saved:
        stored = await accounts.secrets_of(plan.account)
        secrets = {**stored, **secrets}
    elif missing:
        names = ", ".join(lf.env_var for lf in missing)
        raise UsageError(f"set {names} in the environment (secrets are never taken from the command line)")
    return secrets


async def export_command(args: argparse.Namespace, out: IO[str], say: Reporter) -> int:
    """Runs ``export``; returns the exit code (typed errors are raised for the runner to report)."""
    from console.core.credentials import KeyringStore
    from console.core.settings import AccountsFile
    from console.services.accounts import AccountService

    accounts = AccountService(accounts_file=AccountsFile(), keychain=KeyringStore())
    plan = plan_export(args, accounts)
    if not plan.demo:
        return await _export(plan, args, out, say, accounts, await _secrets(plan, accounts, bool(args.account)))
    workspace = await start_demo((plan.spec.id,))
    try:
        account = next(a for a in workspace.accounts if a.label == plan.account.label)
        account.fields = plan.account.fields
        plan.account = account
        return await _export(plan, args, out, say, accounts, dict(workspace.secrets[account.id]))
    finally:
        await stop_demo(workspace)


async def _export(plan: ExportPlan, args: argparse.Namespace, out: IO[str], say: Reporter,
                  accounts: AccountService, secrets: dict[str, str]) -> int:
    from console.services.export import export_dataset, export_to_file, make_writer

    client = accounts.build_client(plan.account, secrets)
    target: Path | None = args.output
    name = plan.dataset.name

    def progress(state: ExportProgress) -> None:
        if not args.quiet and (state.done or state.pages % 10 == 1):
            tail = " done" if state.done else ""
            say.line(f"{name}: {state.records:,} records, {state.pages} pages, {state.seconds:.1f} s{tail}")

    kwargs: dict[str, Any] = {"query": plan.query, "progress": progress, "on_note": say.note}
    if args.page_size:
        kwargs["page_size"] = args.page_size
    try:
        if target is not None:  # the file appears only once complete
            state = await export_to_file(client, name, target, args.format, on_warning=say.warning,
                                         spec=plan.dataset, **kwargs)
        else:
            writer = make_writer(args.format, out, say.warning, plan.dataset)
            state = await export_dataset(client, name, writer, **kwargs)
    except BrokenPipeError:
        raise
    except OSError as exc:
        where = str(target) if target is not None else "to standard output"
        say.say(f"cannot write {where}: {exc.strerror or exc}")
        return EXIT_USAGE
    finally:
        await client.aclose()
    warning = state.duplicate_warning()
    if warning:
        say.warning(warning)
    return EXIT_OK
