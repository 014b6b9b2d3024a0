"""The web server as config/gunicorn.py sets it up: a process takes a connection only when one
of its threads is free, so that a request waits for the first free process rather than
behind a busy one."""

import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.security.test_hardening import ROOT, manage, production_env, wait_for
from tests.waiting import eventually

# A request whose headers have not ended: the thread reading it waits for the rest.
UNFINISHED = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"
FINISHED = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"


def waiting_to_be_accepted(port: int) -> int:
    """How many connections wait in the accept queue of the socket listening on ``port``
    (for a listening socket, /proc/net/tcp's receive queue counts them)."""
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, state, queues = fields[1], fields[3], fields[4]
        if state == "0A" and int(local.split(":")[1], 16) == port:
            return int(queues.split(":")[1], 16)
    raise AssertionError(f"nothing listens on port {port}")


def response_of(connection: socket.socket) -> bytes:
    connection.settimeout(10)
    received = b""
    while chunk := connection.recv(4096):
        received += chunk
    return received


@pytest.fixture(params=["started", "reloaded"])
def server(request, tmp_path):
    """One process of three threads (other than the configuration's default of four, given
    on the command line as an operator would), serving a fresh SQLite database; as started, or
    after a reload (SIGHUP), which reads the configuration again and starts a new process."""
    env = production_env(DATABASE_URL=f"sqlite:///{tmp_path / 'db'}", HTTPS_ONLY="0")
    result = manage("migrate", "--no-input", "-v0", env=env)
    assert result.returncode == 0, result.stderr
    log = tmp_path / "server.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi", "-c", "config/gunicorn.py",
             "--workers", "1", "--threads", "3", "--bind", "127.0.0.1:0"],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            url = wait_for(process, log)
            if request.param == "reloaded":
                process.send_signal(signal.SIGHUP)
                assert eventually(lambda: "Worker exiting" in log.read_text(), seconds=30)
                assert log.read_text().count("Booting worker") == 2
            yield url
        finally:
            process.terminate()
            process.wait(timeout=30)


@pytest.mark.skipif(sys.platform != "linux", reason="reads the accept queue from /proc")
def test_a_process_takes_a_connection_only_with_a_free_thread(server):
    port = int(server.rsplit(":", 1)[1])
    busy = [socket.create_connection(("127.0.0.1", port)) for _ in range(3)]
    try:
        for connection in busy:
            connection.sendall(UNFINISHED)
        # Three threads, three connections: each was taken.
        assert eventually(lambda: waiting_to_be_accepted(port) == 0)

        waiting = socket.create_connection(("127.0.0.1", port))
        waiting.sendall(FINISHED)
        # No thread is free: the process leaves the fourth to the other processes.
        assert eventually(lambda: waiting_to_be_accepted(port) == 1)
        time.sleep(0.3)
        assert waiting_to_be_accepted(port) == 1

        # A thread that finishes its request closes that connection and takes the next.
        busy[0].sendall(b"\r\n")
        first = response_of(busy[0])
        assert first.startswith(b"HTTP/1.1 200")
        assert b"Connection: close" in first
        assert response_of(waiting).startswith(b"HTTP/1.1 200")
        waiting.close()
    finally:
        for connection in busy:
            connection.close()
