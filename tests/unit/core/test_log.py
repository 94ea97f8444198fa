"""Secrets never reach a log line."""

from __future__ import annotations

import logging

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from console.core import log


@pytest.mark.parametrize(
    "text",
    [
        "X-API-Key: {s}",
        "x-api-key={s}",
        "Authorization: Bearer {s}",
        '{{"api_key": "{s}"}}',
        "https://example.com/x?session_token={s}&a=1",
        "X-Authentication: jane@example.com:{s}",
        "password={s}",
    ],
)
def test_redact_masks_secret_shapes(text: str) -> None:
    secret = "unregistered-Secret-9x7"
    assert secret not in log.redact(text.format(s=secret))


def test_registered_secrets_are_masked_anywhere() -> None:
    log.register_secret("zz-registered-key-41")
    assert log.redact("the key zz-registered-key-41 leaked") == "the key *** leaked"


def test_logger_filter_masks_args_and_exceptions(caplog: pytest.LogCaptureFixture) -> None:
    log.register_secret("zz-in-exception-77")
    logger = log.get_logger("console.test")
    with caplog.at_level(logging.INFO, logger="console.test"):
        logger.info("key is %s", "zz-in-exception-77")
        try:
            raise ValueError("bad zz-in-exception-77")
        except ValueError:
            logger.info("failed", exc_info=True)
    text = caplog.text
    assert "zz-in-exception-77" not in text
    assert "***" in text


def test_short_values_are_not_registered() -> None:
    log.register_secret("ab")
    assert log.redact("ab cab") == "ab cab"


def test_every_token_of_a_login_answer_is_registered() -> None:
    from console.core import log

    answer = {"bearer": "jwt-aaaa.bbbb.cccc", "user": {"id": 1, "email": "sam@example.com",
                                                       "single_access_token": "sat-Registered-1234"},
              "sessions": [{"session_token": "st-In-A-List-5678"}], "type": "Admin"}
    log.register_secrets_in(answer)
    text = log.redact("crash: jwt-aaaa.bbbb.cccc sat-Registered-1234 st-In-A-List-5678 sam@example.com Admin")
    assert text == "crash: *** *** *** sam@example.com Admin"


_PIECES = ["api_key", "API-KEY", "x-api-key", "apikey", "Authorization", "authorization", "token", "session_token",
           "single_access_token", "refresh_token", "password", "secret", "bearer", "Bearer ", "monkey", "keys",
           "key", "tokens", '"', "'", ":", "=", " ", "  ", "\n", ",", ";", "}", "{", "&", "abc123", "s3cr3t-val",
           "x", "_", "-", "é", "İ"]


@given(st.lists(st.sampled_from(_PIECES), max_size=40))
@settings(max_examples=2000, deadline=None)
@example(pieces=["api_key", ":", ",", "api_key", ":", "api_key"])  # found by CI: a name with no value before
def test_redact_looks_near_names_only_yet_masks_what_the_full_pattern_masks(pieces: list[str]) -> None:
    """The fast path (find where a name ends, then look just before it) masks exactly what running the
    whole pattern over the text masks."""
    text = "".join(pieces)
    expected = log._PATTERN.sub(lambda m: f"{m['name']}{m['q']}{log.MASK}", text)
    lowered = text.lower()
    if len(lowered) == len(text):  # otherwise redact() runs the whole pattern itself
        assert log._mask_shapes(text, lowered) == expected
    if not any(secret in text for secret in log._ordered):  # a secret another test registered
        assert log.redact(text) == expected
