"""Shared by the tests/test_validation_*.py tables: run a bad call, check its message is clear."""
from __future__ import annotations

import pytest


def assert_clear(call, error, name, expected, got):
    """``call()`` raises ``error`` whose message names ``name`` (the argument, or "file line N")
    and contains the ``expected`` and ``got`` fragments, after the words "expected" and "got"."""
    with pytest.raises(error) as info:
        call()
    message = str(info.value)
    named = name if " line " in name else f"'{name}"
    assert named in message, f"argument {name!r} not named in: {message}"
    assert "expected" in message and "got" in message, f"no 'expected ... got ...' in: {message}"
    head, _, tail = message.partition("expected")
    assert expected in tail, f"expected part {expected!r} missing from: {message}"
    assert got in message.rsplit("got", 1)[-1] or got in tail.split("got", 1)[-1], f"got part {got!r} missing from: {message}"
    return message
