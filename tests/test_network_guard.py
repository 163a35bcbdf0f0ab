"""No code opens a network connection: the guard (tests/netguard) is active in this process and in
every notebook kernel; this file proves it blocks. The root conftest fails the session when any
process attempted a connection."""
import socket
import subprocess
import sys

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

