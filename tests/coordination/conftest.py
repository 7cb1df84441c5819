import re

import pytest

LINK = re.compile(r"/coordination/invite/([A-Za-z0-9_\-]+)/")


def token_from(message) -> str:
    match = LINK.search(message.body)
    assert match, message.body
    return match.group(1)


@pytest.fixture
def last_token(mailoutbox):
    def _last():
        return token_from(mailoutbox[-1])

    return _last
