"""Dataset service: a change refused without a form is worded without form advice."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from console.core.credentials import MemoryStore
from console.core.errors import ValidationError
from console.core.models import Record, WriteResult
from console.core.settings import AccountConfig, AccountsFile
from console.services.accounts import AccountService
from console.services.datasets import DatasetService


async def refusing_action(dataset: str, record: Record, action: str, values: Mapping[str, Any],
                          answers: Mapping[str, str]) -> WriteResult:
    raise ValidationError("setera", "invalid", status=400, fields={"agentId": ["is not a member of this queue"]})


@pytest.mark.parametrize("in_form", [True, False])
async def test_a_refused_action_without_a_form_names_what_was_refused(console_home: Path, in_form: bool) -> None:
    accounts = AccountService(accounts_file=AccountsFile(), keychain=MemoryStore())
    account = AccountConfig(AccountConfig.new_id(), "setera", "Phones", "https://onecloud.example.com/api",
                            fields={"domain": "example.com", "user": "jane"})
    await accounts.add(account, {"token": "t-secret-1"})
    client = await accounts.client(account.id)
    client.run_action = refusing_action  # type: ignore[method-assign]
    record = Record("setera", "queues", "q1", {"id": "q1"})
    with pytest.raises(ValidationError) as info:
        await DatasetService(accounts).run_action(account.id, record, "login", {}, {}, in_form=in_form)
    um = info.value.user_message
    if in_form:  # the form puts it at its fields
        assert info.value.fields == {"agentId": ["is not a member of this queue"]}
    else:
        assert um.title == "Setera OneCloud refused the change"
        assert um.text == "Log me in was refused: agentId: is not a member of this queue."
        assert "red" not in um.text + um.next_step and info.value.fields == {}
    await accounts.aclose()
