"""The record editor: one mapper puts a vendor's errors on the form, whatever write failed.

The table tests :func:`form_failure` itself; the editor tests show that a field error from Save, from
"Check and retry" and from a record action's form all land under the field, through that one mapper.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import pytest
from PySide6.QtWidgets import QWidget

from console.core.errors import (
    AuthError,
    ConsoleError,
    RateLimited,
    ServerError,
    UserMessage,
    ValidationError,
    WriteOutcomeUnknown,
)
from console.core.models import (
    Choice,
    Column,
    DatasetSpec,
    FieldKind,
    FormField,
    Question,
    Record,
    RecordAction,
    Slot,
    ViewKind,
    WriteResult,
)
from console.core.settings import AccountConfig
from console.ui import record_editor
from console.ui.forms import RecordForm
from console.ui.qtasync import TaskSet
from console.ui.record_editor import FormFailure, RecordEditor, Stage, form_failure
from tests.conftest import until

MOVE = RecordAction("move", "Move…", form_fields=(FormField("day", "New day", FieldKind.DATE),))
SPEC = DatasetSpec(
    "things", "Things", ViewKind.LIST,
    (Column("id", "ID", lambda r: r.id, FieldKind.ID),),
    title_of=lambda r: str(r.fields.get("email", r.id)),
    form_fields=(FormField("email", "Email", FieldKind.EMAIL, required=True), FormField("name", "Name")),
    to_form=lambda r: dict(r.fields),
    can_create=True, can_edit=True, can_delete=True, noun="thing", actions=(MOVE,),
)
THING = Record("fake", "things", "7", {"email": "jane@example.com", "name": "Jane"})


def refused(field: str = "email") -> ValidationError:
    return ValidationError("fake", "invalid", fields={field: ["already used"]},
                           user_message=UserMessage("Please check the form", "Some values were refused."))


# -- the mapper ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("stage", list(Stage))
def test_field_errors_land_on_their_fields_at_every_stage(stage: Stage) -> None:
    failure = form_failure(refused(), "thing", stage)
    assert failure.fields == {"email": ["already used"]}
    assert failure.general == ["Some values were refused."]
    assert failure.offer_check is (stage is Stage.CHECK) and not failure.credentials


@pytest.mark.parametrize(("error", "general"), [
    (ValidationError("fake", "bad", general=["The slot is gone"]), ["The slot is gone"]),
    (ValidationError("fake", "The vendor said no"), ["The vendor said no"]),
])
def test_a_validation_error_without_fields_goes_above_the_form(error: ValidationError, general: list[str]) -> None:
    assert form_failure(error, "thing", Stage.ACTION) == FormFailure({}, general)


def test_a_rate_limit_on_save_says_how_long_to_wait() -> None:
    error = RateLimited("fake", "slow down", retry_after=12,
                        user_message=UserMessage("Too many requests", "The vendor asked to wait."))
    assert form_failure(error, "thing", Stage.SAVE).general == [
        "Too many requests: The vendor asked to wait. Wait 12 s, then press Save again. Nothing was saved."]
    assert form_failure(error, "thing", Stage.ACTION).general == ["Too many requests: The vendor asked to wait."]


def test_a_lost_answer_offers_check_and_retry_on_save_only() -> None:
    error = WriteOutcomeUnknown("cut", user_message=UserMessage("Outcome unknown", "The answer was lost."))
    on_save = form_failure(error, "thing", Stage.SAVE)
    assert on_save.offer_check and "reads the thing again" in on_save.general[0]
    assert not form_failure(error, "thing", Stage.ACTION).offer_check
    assert form_failure(ServerError("fake", "boom"), "thing", Stage.CHECK).offer_check  # still unknown


def test_other_errors_go_above_the_form_and_a_refused_key_asks_for_it() -> None:
    error = AuthError("fake", "no", user_message=UserMessage("Wrong API key", "It was refused.", "Enter it again."))
    assert form_failure(error, "thing", Stage.SAVE) == FormFailure(
        {}, ["Wrong API key: It was refused. Enter it again."], credentials=True)
    assert not form_failure(ServerError("fake", "boom"), "thing", Stage.SAVE).credentials


# -- the editor, with a fake service and host ---------------------------------------------------------


class FakeDatasets:
    """The dataset service calls the editor makes; each raises what the test puts in ``fail``."""

    def __init__(self) -> None:
        self.fail: dict[str, ConsoleError] = {}
        self.calls: list[str] = []

    def _call(self, name: str) -> None:
        self.calls.append(name)
        error = self.fail.pop(name, None)
        if error is not None:
            raise error

    async def create(self, _account: str, _dataset: str, values: dict[str, Any]) -> WriteResult:
        self._call("create")
        return WriteResult(Record("fake", "things", "8", values))

    async def update(self, _account: str, record: Record, values: dict[str, Any]) -> WriteResult:
        self._call("update")
        return WriteResult(Record("fake", "things", record.id, values))

    async def check_create(self, _account: str, _dataset: str, _values: dict[str, Any]) -> Record | None:
        self._call("check_create")
        return None

    async def check_update(self, _account: str, record: Record, _values: dict[str, Any]) -> tuple[bool, Record]:
        self._call("check_update")
        return False, record

    async def questions(self, _account: str, _record: Record, _action: str) -> list[Question]:
        self._call("questions")
        return []

    async def run_action(self, _account: str, record: Record, action: str, values: dict[str, Any],
                         _answers: dict[str, str], *, in_form: bool = True) -> WriteResult:
        self._call(action)
        return WriteResult(Record("fake", "things", record.id, {**record.fields, **values}))

    async def choices(self, _account: str, _dataset: str) -> list[Choice]:
        return []

    async def slots(self, *_args: Any) -> list[Slot]:
        return []


class FakeHost(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.written: list[Record] = []

    def show_written(self, record: Record, *, created: bool, add_if_missing: bool) -> None:
        self.written.append(record)

    def forget_record(self, record_id: str) -> None:
        pass

    async def confirm_and_delete(self, record: Record) -> bool:
        return False


@pytest.fixture
def editor(qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> tuple[RecordEditor, FakeDatasets, list[Stage]]:
    """An editor on fakes; the stages list records every call of the one mapper."""
    host = FakeHost()
    qtbot.addWidget(host)
    datasets = FakeDatasets()
    account = AccountConfig(id="acc-1", vendor="fake", label="Shop", base_url="http://127.0.0.1:1")
    made = RecordEditor(datasets, account, "Fake", SPEC, TaskSet("test"), host)  # type: ignore[arg-type]
    stages: list[Stage] = []
    real = record_editor.form_failure

    def spy(error: ConsoleError, noun: str, stage: Stage) -> FormFailure:
        stages.append(stage)
        return real(error, noun, stage)

    monkeypatch.setattr(record_editor, "form_failure", spy)
    return made, datasets, stages


async def test_a_field_error_from_save_lands_on_the_field(editor: Any) -> None:
    made, datasets, stages = editor
    form = made.make_form(THING)
    datasets.fail["update"] = refused()
    assert not await made.save_form(form)
    assert stages == [Stage.SAVE]
    assert form.error_text("email") == "already used"
    assert not form.check_button.isVisibleTo(form)
    form.deleteLater()


async def test_a_field_error_from_check_and_retry_lands_on_the_field(editor: Any) -> None:
    made, datasets, stages = editor
    form = made.make_form(None)
    form.set_values({"email": "new@example.com"})
    datasets.fail["create"] = WriteOutcomeUnknown("cut")
    assert not await made.save_form(form)
    assert form.check_button.isVisibleTo(form)  # the outcome is unknown: check first
    datasets.fail["check_create"] = refused()
    assert not await made.check_and_retry(form)
    assert form.error_text("email") == "already used" and form.check_button.isVisibleTo(form)
    datasets.fail["create"] = refused("name")  # checked, not there: sent again, refused for a field
    assert not await made.check_and_retry(form)
    assert stages == [Stage.SAVE, Stage.CHECK, Stage.SAVE]
    assert form.error_text("name") == "already used"
    assert datasets.calls == ["create", "check_create", "check_create", "create"]
    form.deleteLater()


async def test_a_field_error_from_a_record_action_lands_on_the_field(editor: Any) -> None:
    made, datasets, stages = editor
    datasets.fail["move"] = refused("day")
    running = asyncio.ensure_future(made.run_action(THING, MOVE))
    await until(lambda: bool(made.forms), 3, "the action form open")
    form: RecordForm = made.forms[0]
    form.set_values({"day": (dt.date.today() + dt.timedelta(days=3)).isoformat()})
    form.save_button.click()
    await until(lambda: form.error_text("day") != "", 3, "the error under the field")
    assert stages == [Stage.ACTION]
    assert form.error_text("day") == "already used" and form.isVisible()  # kept open with the input
    form.save_button.click()  # the vendor takes it this time
    assert await asyncio.wait_for(running, 3) is True
    assert made.forms == [] and made.host.written[-1].id == THING.id  # type: ignore[attr-defined]
