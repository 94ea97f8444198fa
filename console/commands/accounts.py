"""``vendor-console accounts add|list|remove``: the saved accounts, on the window's service layer.

The accounts are the window's own (:class:`~console.services.accounts.AccountService`, the same
accounts file and keychain): an account added here appears in the window, and the other way round.
Secrets come only from ``VENDOR_CONSOLE_<FIELD>`` environment variables, never from the command line;
``add`` stores them in the OS keychain when there is one. Without a keychain the account is saved all
the same and its secret is read from the variable each time (the variables win over the keychain
whenever the console reads a secret: ``AccountService.find_secret``).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import IO, TYPE_CHECKING, Any

from console.cli import EXIT_INTERRUPTED, EXIT_OK, UsageError, exit_code_for, pairs
from console.commands.demo import demo_accounts, find_demo
from console.commands.export import login_fields
from console.commands.report import Reporter
from console.core.constants import KEYRING_SERVICE_PREFIX
from console.core.credentials import environment_secret
from console.core.errors import ConsoleError, KeychainUnavailable
from console.core.settings import AccountConfig, take_problems
from console.core.urls import base_url_problem
from console.vendors import registry
from console.vendors.base import VendorSpec

if TYPE_CHECKING:
    from console.services.accounts import AccountService, SecretSource

#: ``list --json``'s word for a demo account's secrets (built in, never the environment's or the keychain's).
DEMO_SOURCE = "demo"


async def accounts_command(args: argparse.Namespace, out: IO[str], say: Reporter) -> int:
    """Runs ``accounts add``, ``accounts list`` or ``accounts remove``; returns the exit code."""
    from console.core.credentials import KeyringStore
    from console.core.settings import AccountsFile
    from console.services.accounts import AccountService

    accounts = AccountService(accounts_file=AccountsFile(), keychain=KeyringStore())
    accounts.load()
    for problem in take_problems():  # a damaged accounts file was moved aside
        say.warning(problem)
    try:
        if args.action == "add":
            return await add_account(args, say, accounts)
        if args.action == "remove":
            return await remove_account(args, say, accounts)
        return await list_accounts(args, out, accounts)
    finally:
        await accounts.aclose()


# -- list -------------------------------------------------------------------------------------------


def _demo_configs() -> tuple[list[AccountConfig], dict[str, dict[str, str]]]:
    """The demo workspace's accounts as ``--demo`` commands see them (no emulator started)."""
    configs: list[AccountConfig] = []
    secrets: dict[str, dict[str, str]] = {}
    for choice in demo_accounts():
        demo = choice.account
        account = AccountConfig(id=f"demo-{choice.spec.id}-{len(configs)}", vendor=choice.spec.id, label=demo.label,
                                base_url="", fields=dict(demo.fields), options=dict(demo.options), demo=True)
        configs.append(account)
        secrets[account.id] = dict(demo.secrets)
    return configs, secrets


def _source_name(account: AccountConfig, source: SecretSource) -> str:
    """``list --json``'s word for where a secret comes from."""
    if account.demo:
        return DEMO_SOURCE
    return source.name.lower()


def _secret_text(account: AccountConfig, spec: VendorSpec, sources: dict[str, SecretSource]) -> str:
    """The SECRET column: where the secrets come from, or which variable to set."""
    from console.services.accounts import SecretSource

    if account.demo:
        return "demo (built in)"

    def one(name: str, source: SecretSource) -> str:
        var = next(f.env_var for f in spec.secret_fields if f.name == name)
        if source is SecretSource.ENVIRONMENT:
            return f"environment ({var})"
        if source is SecretSource.MISSING:
            return f"missing: set {var}"
        if source is SecretSource.NO_KEYCHAIN:
            return f"keychain unavailable: set {var}"
        return str(source.value)

    texts = {name: one(name, source) for name, source in sources.items()}
    if not texts:
        return "none needed"
    if len(set(texts.values())) == 1:
        return next(iter(texts.values()))
    return "; ".join(f"{name}: {text}" for name, text in texts.items())


def _overall(names: list[str]) -> str:
    """One word for all of an account's secrets: theirs when they agree, the worst one, else ``mixed``."""
    for worst in ("missing", "no_keychain"):
        if worst in names:
            return worst
    if len(set(names)) == 1:
        return names[0]
    return "mixed" if names else "none"


def _mode(account: AccountConfig) -> list[str]:
    return [m for m, on in (("read-only", account.read_only), ("insecure http", account.allow_insecure),
                            ("no local copy", not account.local_copy)) if on]


async def list_accounts(args: argparse.Namespace, out: IO[str], accounts: AccountService) -> int:
    """``accounts list``: every saved account (and with ``--demo`` the demo's), as a table or JSON Lines."""
    if args.demo:
        configs, secrets = _demo_configs()
        await accounts.add_demo(configs, secrets)
    rows: list[dict[str, Any]] = []
    table: list[tuple[str, ...]] = []
    for account in accounts.accounts():
        spec = registry.get(account.vendor)
        sources = await accounts.secret_sources(account)
        names = [_source_name(account, s) for s in sources.values()]
        rows.append({
            "label": account.label, "vendor": account.vendor, "base_url": account.base_url,
            "read_only": account.read_only, "allow_insecure": account.allow_insecure, "demo": account.demo,
            "local_copy": account.local_copy,
            "secret": _overall(names),
            "secrets": {name: _source_name(account, s) for name, s in sources.items()},
        })
        table.append((account.label, account.vendor, account.base_url or "(local emulator)",
                      ", ".join(_mode(account)) or "-", _secret_text(account, spec, sources)))
    if args.json:
        for row in rows:
            print(json.dumps(row, ensure_ascii=False), file=out)
        return EXIT_OK
    if not table:
        print("No saved accounts. Add one with `vendor-console accounts add`, or see the demo's with "
              "`vendor-console accounts list --demo`.", file=out)
        return EXIT_OK
    header = ("LABEL", "VENDOR", "BASE URL", "MODE", "SECRET")
    widths = [max(len(line[i]) for line in (header, *table)) for i in range(len(header) - 1)]
    for line in (header, *table):
        cells = [cell.ljust(width) for cell, width in zip(line, widths, strict=False)]
        print("  ".join([*cells, line[-1]]), file=out)
    return EXIT_OK


# -- add --------------------------------------------------------------------------------------------


def _options(args: argparse.Namespace, spec: VendorSpec) -> dict[str, Any]:
    """The vendor's per-account options: each one's default, ``--option`` on top (checked)."""
    options: dict[str, Any] = {o.key: o.default for o in spec.options}
    for key, value in pairs(args.option, "--option").items():
        option = next((o for o in spec.options if o.key == key), None)
        if option is None:
            known = ", ".join(o.key for o in spec.options) or "none"
            raise UsageError(f"{spec.display_name} has no option {key!r} (options: {known})")
        allowed = [c.value for c in option.choices]
        if value not in allowed:
            raise UsageError(f"--option {key} must be one of {', '.join(allowed)}")
        options[key] = value
    return options


def plan_account(args: argparse.Namespace, accounts: AccountService) -> tuple[AccountConfig, dict[str, str]]:
    """The account ``add`` would save, and its secrets from the environment, checked as the window checks.

    Raises:
        UsageError: The vendor, label, base URL, a login field or option cannot be used, or a secret
            variable is not set.
    """
    if args.vendor not in registry.ids():
        raise UsageError(f"unknown vendor {args.vendor!r}; choose from {', '.join(registry.ids())}")
    spec = registry.get(args.vendor)
    label = args.label.strip()
    if not label:
        raise UsageError("--label must not be empty")
    taken = accounts.by_label(label)
    if taken is not None:
        raise UsageError(f"an account is already labelled {taken.label!r}: labels must differ "
                         "(commands find accounts by label)")
    if find_demo(label) is not None:
        raise UsageError(f"{label!r} is a demo account's label: choose another")
    account = AccountConfig(id=AccountConfig.new_id(), vendor=spec.id, label=label, base_url="",
                            options=_options(args, spec), read_only=args.read_only,
                            allow_insecure=args.allow_insecure, local_copy=not args.no_local_copy)
    account.fields = login_fields(args, spec, account)
    base_url = (args.base_url or spec.default_base_url_for(account.fields)).strip().rstrip("/")
    if not args.base_url and (not base_url or "<" in base_url):
        example = f" (like {base_url})" if base_url else ""
        raise UsageError(f"{spec.display_name} has no default base URL: give --base-url{example}")
    problem = base_url_problem(base_url, allow_insecure=account.allow_insecure)
    if problem:
        raise UsageError(f"the base URL {base_url!r} cannot be used: {problem}")
    account.base_url = base_url
    secrets: dict[str, str] = {}
    missing: list[str] = []
    for lf in spec.secrets_for(account.fields):
        value = environment_secret(lf)
        if value is None:
            missing.append(lf.env_var)
        else:
            secrets[lf.name] = value
    if missing:
        raise UsageError(f"set {', '.join(missing)} in the environment (secrets are never taken from the "
                         "command line)")
    return account, secrets


async def add_account(args: argparse.Namespace, say: Reporter, accounts: AccountService) -> int:
    """``accounts add``: checks, optionally tests the login, then saves (keychain, else the variables)."""
    account, secrets = plan_account(args, accounts)
    spec = registry.get(account.vendor)
    if account.allow_insecure and base_url_problem(account.base_url):  # plain http to another computer
        say.warning(f"{account.label!r} may use plain http://: its secret and your customers' data cross the "
                    "network unencrypted")
    if args.test:
        try:
            summary = await accounts.test(account, secrets)
        except ConsoleError as exc:
            say.failure(exc)
            say.say("nothing was saved")
            return exit_code_for(exc)
        say.say(f"connection works: {summary}")
    where = "its secret is in the keychain"
    try:
        await accounts.add(account, secrets)
    except KeychainUnavailable:
        await accounts.add(account, secrets, session_only=True)
        names = ", ".join(lf.env_var for lf in spec.secrets_for(account.fields))
        where = (f"there is no usable keychain, so its secret is not stored: set {names} each time you use it "
                 "(in the window too)")
    say.say(f"added {account.label!r} ({spec.display_name}, {account.base_url}); {where}")
    return EXIT_OK


# -- remove -----------------------------------------------------------------------------------------


def confirm(question: str, err: IO[str]) -> bool:
    """Asks a yes/no question on standard error and reads the answer (no, unless it is yes)."""
    print(f"{question} [y/N] ", end="", file=err, flush=True)
    return sys.stdin.readline().strip().lower() in ("y", "yes")


def interactive() -> bool:
    """Whether standard input is a terminal (a person who can be asked)."""
    return sys.stdin is not None and sys.stdin.isatty()


async def remove_account(args: argparse.Namespace, say: Reporter, accounts: AccountService) -> int:
    """``accounts remove``: asks on a terminal unless ``--yes``, then removes the account, its key and local copy."""
    from console.services.accounts import SecretSource

    account = accounts.by_label(args.label)
    if account is None:
        demo = find_demo(args.label)
        if demo is not None:
            raise UsageError(f"{demo.account.label!r} is a demo account: it cannot be removed (it comes back "
                             "each time the demo starts)")
        raise UsageError(f"no saved account is labelled {args.label!r}")
    spec = registry.get(account.vendor)
    if not args.yes and interactive():
        copy = " Its local copy on this computer goes too." if has_copy(account) else ""
        question = (f"Remove the account {account.label!r} ({spec.display_name})? Its secret is deleted from "
                    f"your keychain; nothing is deleted at the vendor.{copy}")
        if not confirm(question, say.err):
            say.say("not removed")
            return EXIT_INTERRUPTED
    sources = set((await accounts.secret_sources(account)).values()) if not account.session_only else set()
    copy_gone = await discard_copy(account, say, accounts)
    await accounts.remove(account.id)
    if SecretSource.NO_KEYCHAIN in sources:
        say.warning("the keychain cannot be reached, so any secret it holds for this account stays there "
                    f"(service {KEYRING_SERVICE_PREFIX}{account.vendor})")
    gone = [what for what, went in (("its keychain entry", not account.session_only), ("its local copy", copy_gone))
            if went]
    what = f"{', ' if len(gone) > 1 else ' and '}{' and '.join(gone)}" if gone else ""
    say.say(f"removed {account.label!r}{what}; nothing was deleted at {spec.display_name}")
    return EXIT_OK


def has_copy(account: AccountConfig) -> bool:
    """Whether the account has a local copy on this computer (``vendor-console sync`` or the window made it)."""
    from console.services.mirror.store import mirror_path

    return not account.demo and mirror_path(account.id).exists()


async def discard_copy(account: AccountConfig, say: Reporter, accounts: AccountService) -> bool:
    """Removes the account's local copy (its file and key) before the account goes; a failure is said.

    Returns:
        Whether a copy was there and is gone.
    """
    from console.services.mirror.copies import discard

    there = has_copy(account)
    try:
        await discard(accounts, account)
    except OSError as exc:
        say.warning(f"the local copy of {account.label!r} could not be removed: {exc.strerror or exc}")
        return False
    return there
