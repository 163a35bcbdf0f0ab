"""No code opens a network connection: the guard (tests/netguard) is active in this process and
in every notebook kernel; this file proves it blocks, and that nothing was attempted so far."""
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest


def test_guard_blocks_outside_addresses_in_this_process():
    with pytest.raises(OSError, match="blocked"):
        socket.create_connection(("203.0.113.7", 80), timeout=1)  # TEST-NET-3: refused before any packet
    with pytest.raises(OSError, match="blocked"):
        socket.getaddrinfo("example.org", 443)


def test_guard_allows_loopback():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    client = socket.create_connection(server.getsockname(), timeout=2)
    client.close()
    server.close()


def test_guard_is_loaded_in_child_processes():
    code = "import socket\ntry:\n    socket.create_connection(('198.51.100.1', 443), timeout=1)\nexcept OSError as e:\n    print(e)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60).stdout
    assert "blocked" in out


def test_helpers_import_and_data_need_no_network():
    code = ("import helpers; from helpers import datasets, text, scorecard, exercises; "
            "datasets.load_frozen('sentiment_pairs_test'); exercises.ids(); print('ok')")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert result.stdout.strip().endswith("ok"), result.stderr


def test_zz_no_network_attempt_was_logged_by_any_process():
    """Runs after the tests and notebooks collected before it (the file sorts late in tests/)."""
    log = Path(os.environ["COURSE_NETGUARD_LOG"])
    attempts = [line for line in log.read_text().splitlines() if "203.0.113.7" not in line
                and "example.org" not in line and "198.51.100.1" not in line] if log.exists() else []
    assert not attempts, "network access was attempted:\n" + "\n".join(attempts)
