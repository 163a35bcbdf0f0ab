"""Shared by the browser tests (tests/test_slides.py, tests/test_browser.py): paths, skip rule, request log.

The browser is Debian's Chromium (``/usr/bin/chromium``, or ``$COURSE_CHROMIUM``) driven by
Playwright from PyPI; Playwright's own browser downloads are never used. When either is
missing the browser tests are skipped with a message, except under ``CI=true``, where they fail.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"
SCREENSHOTS = BUILD / "screenshots"
CHROMIUM = Path(os.environ.get("COURSE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def unavailable(message: str):
    """Skip (on a laptop) or fail (under CI=true): a browser test that cannot run."""
    if in_ci():
        pytest.fail(f"{message} (CI=true: browser tests must run in CI)")
    pytest.skip(message)


class RequestLog:
    """Failed requests, HTTP errors and uncaught page errors seen by one Playwright page."""

    def __init__(self, page, *, redirects_ok: bool = False):
        self.problems: list[str] = []
        self.redirects_ok = redirects_ok
        page.on("requestfailed", lambda request: self.problems.append(
            f"request failed: {request.url[:120]} ({request.failure})"))
        page.on("response", self._response)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))

    def _response(self, response):
        status = response.status
        fine = 200 <= status < 300 or status == 304 or (self.redirects_ok and 300 <= status < 400)
        if not fine:
            self.problems.append(f"HTTP {status}: {response.url[:120]}")
