"""The request's unit of work: a mutation request commits once at the end, anything else rolls
back. Each mutation ran in its own savepoint (stakeholders.common.mutations), so what reaches
the commit is exactly the mutations that succeeded."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import nullcontext

from graphql import GraphQLError
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from schema.database_faults import is_unavailable
from schema.errors import UNAVAILABLE_MESSAGE
from schema.writer_queue import begin_writing

__all__ = ["UnitOfWork"]

log = logging.getLogger("accord.unit_of_work")


class UnitOfWork(SchemaExtension):
    async def on_execute(self) -> AsyncIterator[None]:  # type: ignore[override]
        session = getattr(self.execution_context.context, "session", None)
        is_mutation = self.execution_context.operation_type == OperationType.MUTATION
        if session is not None and is_mutation and not session.in_transaction():
            await begin_writing(session)
        yield

    async def on_operation(self) -> AsyncIterator[None]:  # type: ignore[override]
        yield
        context = self.execution_context.context
        session = getattr(context, "session", None)
        if session is None:
            return
        try:
            is_mutation = self.execution_context.operation_type == OperationType.MUTATION
        except RuntimeError:  # the document did not parse: there is no operation
            is_mutation = False
        # A failed field can end the operation while a sibling's statement is still running:
        # the loaders' lock makes the end wait for it, never cut the session under it.
        loaders = getattr(context, "loaders", None)
        async with loaders.idle() if loaders is not None else nullcontext():
            await self._finish(session, is_mutation)

    async def _finish(self, session: AsyncSession, is_mutation: bool) -> None:
        if not is_mutation:
            await _rollback(session)
            return
        try:
            await session.commit()
        except (SQLAlchemyError, OSError) as exc:
            await _rollback(session)
            log.warning("commit failed: %s", type(exc).__name__)
            if is_unavailable(exc) or self._found_unavailable():
                # The database went away: nothing was saved, and no one else won a race. A
                # mutation that met the loss first leaves a session that can only refuse
                # (PendingRollbackError), which is no race either.
                self._fail_all(UNAVAILABLE_MESSAGE, "UNAVAILABLE")
            else:
                message = "the change could not be saved (concurrent update): retry"
                self._fail_all(message, "CONFLICT")

    def _found_unavailable(self) -> bool:
        result = self.execution_context.result
        for error in getattr(result, "errors", None) or []:
            original = error.original_error
            coded = (error.extensions or {}).get("code") == "UNAVAILABLE"
            if coded or (original is not None and is_unavailable(original)):
                return True
        return False

    def _fail_all(self, message: str, code: str) -> None:
        result = self.execution_context.result
        if result is None:
            return
        result.data = None
        if code == "UNAVAILABLE" and self._found_unavailable():
            return  # said once already, by the field that met the loss
        error = GraphQLError(message, extensions={"code": code})
        result.errors = [*(getattr(result, "errors", None) or []), error]


async def _rollback(session: AsyncSession) -> None:
    """Roll back; with the connection gone there is nothing to undo, and the answer stands."""
    try:
        await session.rollback()
    except (SQLAlchemyError, OSError) as exc:
        log.warning("rollback failed: %s", type(exc).__name__)
