import socket

import pytest

REDIS_ADDRESS = ("127.0.0.1", 6379)


def _redis_answers() -> bool:
    try:
        with socket.create_connection(REDIS_ADDRESS, timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def pytest_collection_modifyitems(config, items):
    redis_items = [item for item in items if "redis" in item.keywords]
    if redis_items and not _redis_answers():
        skip = pytest.mark.skip(reason="needs Redis at 127.0.0.1:6379 (.ci/run starts it)")
        for item in redis_items:
            item.add_marker(skip)
