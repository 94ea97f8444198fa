"""Adding an account, and entering a missing secret again.

Base URLs must be HTTPS, except for loopback hosts (the demo emulators and local tests); the secret
goes to the OS keychain, never to the settings file. A new account asks whether to keep a local copy
(on by default, issue 17: :attr:`AccountConfig.local_copy`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from console.core.models import LoginField
from console.core.settings import AccountConfig
from console.core.urls import base_url_problem
from console.services.catalog import VendorSpec
from console.ui.forms import ERROR_STYLE

OK_STYLE = "color: #1e6b34;"
#: Red: an account that allows plain HTTP.
INSECURE_STYLE = "color: #b3261e; font-weight: bold;"


def check_base_url(url: str, allow_insecure: bool = False) -> str:
    """Returns why a base URL cannot be used, or "" when it can (see :mod:`console.core.urls`)."""
    return base_url_problem(url, allow_insecure=allow_insecure)


class AccountDialog(QDialog):
    """The "Add account" form.

    Args:
        vendors: The vendors to choose from.
        taken_labels: Labels already used (a label must be unique).
        parent: Parent window.

    Signals:
        testRequested(): "Test connection" was pressed and the form is complete.
        saveRequested(): "Save" was pressed and the form is complete.
    """

    testRequested = Signal()
    saveRequested = Signal()

    def __init__(self, vendors: Sequence[VendorSpec], taken_labels: Sequence[str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("accountDialog")
        self.setWindowTitle("Add account")
        self.setMinimumWidth(520)
        self.vendors = {v.id: v for v in vendors}
        self.taken = {t.lower() for t in taken_labels}
        self.vendor = QComboBox()
        self.vendor.setObjectName("vendorCombo")
        for spec in vendors:
            self.vendor.addItem(spec.display_name, spec.id)
        self.label = QLineEdit()
        self.label.setObjectName("labelEdit")
        self.label.setPlaceholderText("e.g. Marketing, or the customer's name")
        self.base_url = QLineEdit()
        self.base_url.setObjectName("baseUrlEdit")
        self.base_url_help = QLabel()
        self.base_url_help.setWordWrap(True)
        self.base_url_help.setStyleSheet("color: palette(mid);")
        self.insecure = QCheckBox("Allow plain http:// to this address (insecure: keys and data travel unencrypted)")
        self.insecure.setObjectName("allowInsecure")
        self.insecure.setStyleSheet(INSECURE_STYLE)
        self.insecure.setToolTip("Only for a vendor server on your own network that has no HTTPS. Off by default.")
        self.keep_copy = QCheckBox("Keep a local copy on this computer (encrypted; complete search and sorting)")
        self.keep_copy.setObjectName("keepCopy")
        self.keep_copy.setChecked(True)
        self.keep_copy.setToolTip("The account's lists are fetched in the background and kept here, encrypted, with "
                                  "the key in your keychain. File > Accounts can forget the copy at any time.")
        self.fields_form = QFormLayout()
        self.field_edits: dict[str, QLineEdit | QComboBox] = {}
        self.login_fields: list[LoginField] = []
        self.options_form = QFormLayout()
        self.option_edits: dict[str, QComboBox] = {}
        self.advanced = QGroupBox("Advanced (how this vendor's API behaves; keep the defaults unless told otherwise)")
        self.advanced.setLayout(self.options_form)
        self.message = QLabel()
        self.message.setObjectName("accountMessage")
        self.message.setWordWrap(True)
        self.test_button = QPushButton("Test connection")
        self.test_button.setObjectName("testButton")
        self.test_button.clicked.connect(self._on_test)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._on_save)
        self.buttons.rejected.connect(self.reject)
        self.buttons.addButton(self.test_button, QDialogButtonBox.ButtonRole.ActionRole)
        form = QFormLayout()
        form.addRow("Vendor", self.vendor)
        form.addRow("Label", self.label)
        form.addRow("Base URL", self.base_url)
        form.addRow("", self.base_url_help)
        form.addRow("", self.insecure)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(self.fields_form)
        layout.addWidget(self.advanced)
        layout.addWidget(self.keep_copy)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.vendor.currentIndexChanged.connect(self._on_vendor_changed)
        self._on_vendor_changed()

    def _on_vendor_changed(self) -> None:
        spec = self.vendors[self.vendor.currentData()]
        self.base_url.setText(spec.default_base_url)
        self.base_url_help.setText(spec.base_url_help)
        while self.fields_form.rowCount():
            self.fields_form.removeRow(0)
        while self.options_form.rowCount():
            self.options_form.removeRow(0)
        self.field_edits = {}
        self.option_edits = {}
        self.login_fields = list(spec.login_fields)
        for field in spec.login_fields:
            widget: QLineEdit | QComboBox
            if field.choices:
                widget = QComboBox()
                widget.addItems(list(field.choices))
                if field.default:
                    widget.setCurrentText(field.default)
                widget.currentTextChanged.connect(self._update_rows)
            else:
                widget = QLineEdit()
                widget.setText(field.default)
                widget.setPlaceholderText(field.placeholder)
                if field.secret:
                    widget.setEchoMode(QLineEdit.EchoMode.Password)
            widget.setObjectName(f"login_{field.name}")
            widget.setToolTip(field.help)
            self.field_edits[field.name] = widget
            self.fields_form.addRow(field.label + (" (kept in your keychain)" if field.secret else ""), widget)
        for option in spec.options:
            combo = QComboBox()
            combo.setObjectName(f"option_{option.key}")
            for choice in option.choices:
                combo.addItem(choice.label, choice.value)
            combo.setCurrentIndex(max(0, combo.findData(option.default)))
            combo.setToolTip(option.help)
            self.option_edits[option.key] = combo
            self.options_form.addRow(option.label, combo)
        self.advanced.setVisible(bool(spec.options))
        self._update_rows()
        self.set_message("")

    def _update_rows(self) -> None:
        """Shows only the login fields that apply (Launch27's API key only for API 2.0).

        The suggested base URL follows the login choice while the user has not typed their own.
        """
        plain = self._plain_values()
        for row, field in enumerate(self.login_fields):
            self.fields_form.setRowVisible(row, field.applies(plain))
        spec = self.vendors[self.vendor.currentData()]
        suggestions = {url for _key, url in spec.base_url_variants} | {spec.default_base_url}
        if self.base_url.text().strip() in suggestions:
            self.base_url.setText(spec.default_base_url_for(plain))

    def _plain_values(self) -> dict[str, str]:
        return {f.name: self._value(f) for f in self.login_fields if not f.secret}

    def _value(self, field: LoginField) -> str:
        widget = self.field_edits[field.name]
        return widget.currentText() if isinstance(widget, QComboBox) else widget.text().strip()

    def _applicable(self) -> list[LoginField]:
        plain = self._plain_values()
        return [f for f in self.login_fields if f.applies(plain)]

    def vendor_id(self) -> str:
        """The chosen vendor."""
        return str(self.vendor.currentData())

    def values(self) -> tuple[AccountConfig, dict[str, str]]:
        """The account (not yet saved) and its secrets (only the login fields that apply)."""
        plain: dict[str, str] = {}
        secrets: dict[str, str] = {}
        for field in self._applicable():
            (secrets if field.secret else plain)[field.name] = self._value(field)
        options = {key: str(combo.currentData()) for key, combo in self.option_edits.items()}
        account = AccountConfig(id=AccountConfig.new_id(), vendor=self.vendor_id(), label=self.label.text().strip(),
                                base_url=self.base_url.text().strip().rstrip("/"), fields=plain, options=options,
                                allow_insecure=self.insecure.isChecked(), local_copy=self.keep_copy.isChecked())
        return account, secrets

    def problems(self, for_test: bool = False) -> list[str]:
        """What is missing or wrong in the form."""
        issues = []
        label = self.label.text().strip()
        if not for_test:
            if not label:
                issues.append("Give the account a label.")
            elif label.lower() in self.taken:
                issues.append(f"An account is already labelled “{label}”.")
        url_problem = check_base_url(self.base_url.text(), self.insecure.isChecked())
        if url_problem:
            issues.append(url_problem)
        for field in self._applicable():
            if not self._value(field):
                issues.append(f"Enter the {field.label}.")
        return issues

    def set_message(self, text: str, ok: bool = False) -> None:
        """Shows a result line (green when ``ok``)."""
        self.message.setText(text)
        self.message.setStyleSheet(OK_STYLE if ok else ERROR_STYLE)

    def set_busy(self, busy: bool, text: str = "") -> None:
        """Disables the buttons while a request is on its way."""
        self.test_button.setEnabled(not busy)
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setEnabled(not busy)
        if text:
            self.message.setStyleSheet("")
            self.message.setText(text)

    def _on_test(self) -> None:
        issues = self.problems(for_test=True)
        if issues:
            self.set_message(" ".join(issues))
            return
        self.testRequested.emit()

    def _on_save(self) -> None:
        issues = self.problems()
        if issues:
            self.set_message(" ".join(issues))
            return
        self.saveRequested.emit()


class CheckedDialog(QDialog):
    """A small dialog whose OK keeps it open, with the reason under the input, while :meth:`problem` finds one.

    Subclasses add their inputs to :attr:`body`, then call :meth:`finish`.

    Args:
        parent: Parent window.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.body = QVBoxLayout(self)
        self.message = QLabel()
        self.message.setObjectName("promptMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_STYLE)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._on_ok)
        self.buttons.rejected.connect(self.reject)

    def finish(self) -> None:
        """Puts the message and the buttons under the inputs."""
        self.body.addWidget(self.message)
        self.body.addWidget(self.buttons)

    def problem(self) -> str:
        """Why OK cannot close the dialog yet, or "" (runs when OK is pressed)."""
        return ""

    def _on_ok(self) -> None:
        problem = self.problem()
        if problem:  # the input stays, with the reason under it
            self.message.setText(problem)
            return
        self.accept()


class SecretDialog(CheckedDialog):
    """Asks for an account's secret fields again.

    Args:
        account_label: The account's label.
        fields: Its secret login fields.
        parent: Parent window.
    """

    def __init__(self, account_label: str, fields: Sequence[LoginField], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("secretDialog")
        self.setWindowTitle(f"Log in to “{account_label}”")
        self.edits: dict[str, QLineEdit] = {}
        form = QFormLayout()
        for field in fields:
            edit = QLineEdit()
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.setObjectName(f"secret_{field.name}")
            edit.setToolTip(field.help)
            self.edits[field.name] = edit
            form.addRow(field.label, edit)
        self.body.addLayout(form)
        self.finish()

    def values(self) -> dict[str, str]:
        """The entered secrets."""
        return {name: edit.text().strip() for name, edit in self.edits.items()}

    def problem(self) -> str:
        """Every field is needed."""
        return "Fill in every field." if any(not v for v in self.values().values()) else ""


class TextPrompt(CheckedDialog):
    """Asks for one line of text and keeps asking while ``check`` finds a problem with it.

    Args:
        title: Window title.
        label: What to enter.
        value: The current value.
        check: Applies the text; returns why it cannot be, or "" when it was taken.
        parent: Parent window.
    """

    def __init__(self, title: str, label: str, value: str, check: Callable[[str], str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("textPrompt")
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        self._check = check
        self.edit = QLineEdit(value)
        self.edit.setObjectName("promptEdit")
        self.edit.selectAll()
        prompt = QLabel(label)
        prompt.setWordWrap(True)
        self.body.addWidget(prompt)
        self.body.addWidget(self.edit)
        self.finish()

    def problem(self) -> str:
        """What ``check`` says of the text (it applies the text when it can)."""
        return self._check(self.edit.text())
