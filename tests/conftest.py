"""Fixtures for the real-browser tests (slides and widgets): Chromium via Playwright, a static server."""
from __future__ import annotations

import functools
import os
import http.server
import threading

import pytest

from tests.browser_support import CHROMIUM, CHROMIUM_ARGS, RequestLog, unavailable


def pytest_collection_modifyitems(items):
    """Tests that drive Chromium carry the `browser` marker (`-m "not browser"` leaves them out)."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium for one test module (closed afterwards, so nbval runs with no browser up)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("Playwright is not installed: `pip install playwright` (the browser is Debian's chromium)")
    if not CHROMIUM.exists():
        unavailable(f"Chromium not found at {CHROMIUM}: `apt-get install chromium` "
                    "(or set COURSE_CHROMIUM to its path)")
    manager = sync_playwright().start()
    try:
        chromium = manager.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
    except Exception as error:  # a broken install is reported like a missing one
        manager.stop()
        unavailable(f"Chromium at {CHROMIUM} did not start: {error}")
    yield chromium
    chromium.close()
    manager.stop()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def static_server():
    """Start a static web server on 127.0.0.1 for a folder; returns a function folder -> base URL."""
    servers = []

    def serve(folder: Path) -> str:
        handler = functools.partial(_QuietHandler, directory=str(folder))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def request_log():
    """The RequestLog class: ``log = request_log(page)``; ``log.problems`` lists what went wrong."""
    return RequestLog


@pytest.fixture(autouse=True)
def _salted_checker_inputs():
    """COURSE_TEST_SALT=N: every checker draws its inputs as it does while grading (tools/scoring.py)."""
    salt = os.environ.get("COURSE_TEST_SALT")
    if not salt:
        yield
        return
    from helpers.exercises import draws

    with draws.salted(int(salt)):
        yield
