"""Mutations on a programme, declared rather than written: the common case of a row added
under the programme an input's `programmeId` names, or of a change to the programme itself.

    create_call = programme_mutation(
        "createCall", "Draft a call of a programme your party owns.",
        CreateCallInput, "The call and grid.",
        calls.create_call, CallPayload, args=arguments.call_args,
    )
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from stakeholders.common.mutations import Facts, run_mutation
from stakeholders.common.relay import expect_global_id
from stakeholders.common.resolvers import Info
from stakeholders.declared import Arguments, Service, mutation_field, payload_field
from stakeholders.idempotency import once_for
from stakeholders.programmes.loaders import ProgrammeByIdLoader
from stakeholders.programmes.models import Programme as ProgrammeModel
from stakeholders.programmes.types import Programme
from stakeholders.writes import get_for_share

__all__ = ["programme_by_id", "programme_mutation"]

Lock = Callable[[AsyncSession, type[ProgrammeModel], int], Awaitable[ProgrammeModel]]
# The party acting, read from the service's arguments, when the policy tests it too.
Acting = Callable[[dict[str, Any]], int | None]


async def programme_by_id(info: Info, global_id: str, field: str) -> tuple[int, Row[Any] | None]:
    """The programme a global ID names: its key, and its row if the caller may see it."""
    pk = expect_global_id(global_id, "Programme", field=field)
    return pk, await info.context.loaders.get(ProgrammeByIdLoader).load(pk)


def programme_mutation(
    action: str,
    description: str,
    input_type: type,
    input_description: str,
    service: Service,
    payload: type,
    *,
    args: Arguments,
    party: Acting | None = None,
    lock: Lock = get_for_share,
    idempotent: type | None = None,
) -> Any:
    """A mutation field running `service` on the programme `input.programme_id` names.

    The service gets the session, the principal, the programme held by `lock` (FOR SHARE by
    default: rows added side by side, a change of the programme waiting for them) and what
    `args(info, input)` makes of the input. The policy tests the programme, and with `party`
    the party acting. With `idempotent` (the model the service returns), a money mutation run
    once per `idempotency_key`. A payload of a Programme answers the programme as now stored,
    any other the service's row.
    """
    answer, built = payload_field(payload)

    async def resolve(info: Info, input: Any) -> Any:
        ctx = info.context
        pk, row = await programme_by_id(info, input.programme_id, "programmeId")
        values = await args(info, input)

        async def work() -> Any:
            programme = await lock(ctx.session, ProgrammeModel, pk)

            def change() -> Awaitable[Any]:
                return service(ctx.session, ctx.principal, programme=programme, **values)

            if idempotent is None:
                changed = await change()
            else:
                changed = await once_for(ctx, action, input, idempotent, change)
            return programme if built is Programme else changed

        acting = {} if party is None else {"party_id": party(values)}
        facts = Facts(programme_id=pk, **acting) if row is not None else None
        changed = await run_mutation(ctx, action, facts, work)
        return payload(**{answer: built.from_row(changed)})

    return mutation_field(action, description, input_type, input_description, payload, resolve)
