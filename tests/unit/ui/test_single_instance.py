"""A second start hands over to the open console: the local socket, its privacy and stale sockets."""

from __future__ import annotations

import os
import shutil
import socket
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from console.ui.single_instance import InstanceServer, hand_over, server_name


@pytest.fixture
def runtime_dir(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    # Short, like /run/user/1000: a socket path must fit in 108 bytes.
    runtime = Path(tempfile.mkdtemp(prefix="vc-run-", dir="/tmp"))
    runtime.chmod(0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    yield runtime
    shutil.rmtree(runtime, ignore_errors=True)


def test_names_differ_per_config_folder_and_live_in_the_private_runtime_dir(runtime_dir: Path,
                                                                            tmp_path: Path) -> None:
    one, two = server_name(tmp_path / "a"), server_name(tmp_path / "b")
    assert one != two
    assert server_name(tmp_path / "a") == one
    assert Path(one).parent == runtime_dir and one.endswith(".sock")


def test_a_runtime_dir_too_deep_for_a_socket_path_is_not_used(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    deep = tmp_path / ("d" * 90)
    deep.mkdir()
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(deep))
    assert "/" not in server_name(tmp_path)


def test_without_a_runtime_dir_the_name_is_per_user(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    name = server_name(tmp_path)
    assert "/" not in name and name.endswith(f"-{os.getuid()}")


def test_nobody_listening_means_no_hand_over(runtime_dir: Path, tmp_path: Path, qapp: Any) -> None:
    assert not hand_over(server_name(tmp_path / "nobody"))


def test_a_second_start_raises_the_first_and_passes_open(runtime_dir: Path, tmp_path: Path, qtbot: Any) -> None:
    name = server_name(tmp_path)
    server = InstanceServer(name)
    assert server.listen()
    try:
        mode = stat.S_IMODE(os.stat(name).st_mode)
        assert mode & 0o077 == 0, oct(mode)  # private to the user
        with qtbot.waitSignal(server.raiseRequested, timeout=3000):
            assert hand_over(name)
        opened: list[str] = []
        server.openRequested.connect(opened.append)
        with qtbot.waitSignal(server.raiseRequested, timeout=3000):
            assert hand_over(name, "open Nordic Tel (demo)/queues")
        assert opened == ["Nordic Tel (demo)/queues"]
    finally:
        server.close()
    assert not os.path.exists(name)  # closing removes the socket


def test_a_stale_socket_is_cleaned_up(runtime_dir: Path, tmp_path: Path, qtbot: Any) -> None:
    name = server_name(tmp_path)
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stale.bind(name)  # a crashed console: the file stays, nobody accepts
    stale.close()
    assert os.path.exists(name)
    assert not hand_over(name)
    server = InstanceServer(name)
    try:
        assert server.listen()
        with qtbot.waitSignal(server.raiseRequested, timeout=3000):
            assert hand_over(name)
    finally:
        server.close()
