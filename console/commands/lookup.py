"""``vendor-console lookup``: one query over every saved (or demo) account, as JSON Lines.

Accounts whose local copy is complete (``vendor-console sync``) answer from it (``"source": "mirror"``);
the others, and every account with ``--live``, are asked live (``"source": "live"``).
"""

from __future__ import annotations

import argparse
import json
import math
from typing import IO

from console.cli import EXIT_OK, EXIT_VENDOR, UsageError, exit_code_for
from console.commands.demo import find_demo, start_demo, stop_demo
from console.commands.mirror_lookup import open_complete
from console.commands.report import Reporter


def _demo_vendors(labels: list[str]) -> tuple[str, ...]:
    """The vendors whose emulators ``--demo`` starts: every one, or those of the demo labels asked for."""
    from console.vendors import registry

    if not labels:
        return tuple(spec.id for spec in registry.VENDORS if spec.emulator is not None)
    found = [find_demo(label) for label in labels]
    return tuple(dict.fromkeys(c.spec.id for c in found if c is not None))


async def lookup_command(args: argparse.Namespace, out: IO[str], say: Reporter) -> int:
    """Runs ``lookup``; returns the exit code: 0 when any account answered, else the first failure's."""
    from console.core.credentials import KeyringStore
    from console.core.lookup import classify, system_region
    from console.core.settings import AccountsFile, LookupHistory
    from console.services.accounts import AccountService
    from console.services.lookup import LookupService, Source, State
    from console.services.mirror.contract import Mirror
    from console.services.mirror.lookup import OpenedCopies

    if not math.isfinite(args.timeout) or args.timeout <= 0:
        raise UsageError("--timeout must be a positive number of seconds")
    region = (args.region or LookupHistory().region() or system_region()).upper()
    if len(region) != 2 or not region.isalpha():
        raise UsageError(f"--region must be a two-letter country code like US or GB, got {region!r}")
    query = classify(args.query, region)
    accounts = AccountService(accounts_file=AccountsFile(), keychain=KeyringStore())
    accounts.load()
    workspace = None
    try:
        vendors = _demo_vendors(args.account) if args.demo else ()
        if vendors:
            workspace = await start_demo(vendors)
            await accounts.add_demo(workspace.accounts, workspace.secrets)
        chosen = accounts.accounts()
        if args.account:
            missing = [label for label in args.account if accounts.by_label(label) is None]
            if missing:
                hint = ("; demo accounts need --demo" if not args.demo and any(find_demo(m) for m in missing)
                        else "")
                raise UsageError(f"no account is labelled {', '.join(repr(m) for m in missing)}{hint}")
            wanted = {label.strip().casefold() for label in args.account}
            chosen = [a for a in chosen if a.label.casefold() in wanted]
        if not chosen:
            raise UsageError("there are no saved accounts: add one in the window, or use --demo")
        answered, first_error = False, None
        mirrors: dict[str, Mirror] = {}
        copies = OpenedCopies(accounts, mirrors)
        try:
            for account in chosen:  # complete local copies answer at once; the rest go to the vendors
                mirror = None if args.live else await open_complete(account, accounts, region)
                if mirror is not None:
                    mirrors[account.id] = mirror
            service = LookupService(accounts, timeout=args.timeout, local=copies)
            async for outcome in service.stream(query, [a.id for a in chosen]):
                for note in outcome.notes:
                    say.note(f"{outcome.account_label}: {note}")
                source = "mirror" if outcome.source is Source.COPY else "live"
                for hit in outcome.hits:
                    print(json.dumps({**hit.to_json(), "source": source}, ensure_ascii=False), file=out, flush=True)
                if outcome.state in (State.FAILED, State.UNSUPPORTED):
                    print(json.dumps(outcome.to_json(), ensure_ascii=False), file=out, flush=True)
                answered = answered or outcome.state in (State.HITS, State.NONE)
                first_error = first_error or outcome.error
        finally:
            await copies.aclose()
        if answered:
            return EXIT_OK
        return exit_code_for(first_error) if first_error is not None else EXIT_VENDOR
    finally:
        await accounts.aclose()
        if workspace is not None:
            await stop_demo(workspace)
