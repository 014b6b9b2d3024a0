"""Waiting in tests for something another process does, without a fixed sleep."""

import time


def eventually(condition, seconds: float = 5.0) -> bool:
    """Whether ``condition()`` comes true within ``seconds``, asked every 50 ms."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()
