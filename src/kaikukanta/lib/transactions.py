"""Joining the caller's transaction without a savepoint of its own.

A write on a hot path (recording a use) checks every rule before it writes anything, so a
refusal (a `DomainError`) leaves nothing to undo and the caller's transaction – the API's
stored Idempotency-Key answer, for one – goes on. Only a database error after a write
needs undoing: then the caller's whole transaction is marked for rollback (as Django's
`atomic(savepoint=False)` does) and the error goes on up. Without a caller's
transaction, the block gets its own.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.db import DatabaseError, connection, transaction


@contextmanager
def joined():
    """Run the block in the caller's transaction (no savepoint), or in a new one."""
    if not connection.in_atomic_block:
        with transaction.atomic():
            yield
        return
    try:
        yield
    except DatabaseError:
        transaction.set_rollback(True)
        raise
