"""Mutations declared rather than written: the common case of a change to one node.

Most mutations name a node by its global ID, hand the rest of their input to one service
function under the same names, and answer a payload of one field. `node_mutation` builds that
resolver from the declaration, so the guard (visibility, policy, savepoint) is the same for all
and a new one is a few lines:

    cancel_responsibility = node_mutation(
        "cancelResponsibility", "Cancel a responsibility of a programme you own.",
        CancelResponsibilityInput, "The responsibility to cancel, its version and the reason.",
        work_service.cancel_responsibility, ResponsibilityPayload,
    )
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import strawberry

from stakeholders.common.mutations import run_mutation, signed_in, stored_version
from stakeholders.common.relay import expect_global_id
from stakeholders.common.resolvers import Info, node_loader
from stakeholders.idempotency import once_for
from stakeholders.writes import get_for_update

__all__ = ["Arguments", "Service", "mutation_field", "node_mutation", "payload_field"]

Service = Callable[..., Awaitable[Any]]
# Turns a mutation's input into the service's arguments (codes to ids, inputs to specs).
Arguments = Callable[[Info, Any], Awaitable[dict[str, Any]]]


def node_mutation(
    action: str,
    description: str,
    input_type: type,
    input_description: str,
    service: Service,
    payload: type,
    *,
    node: str | None = None,
    id_field: str = "id",
    lock: type | None = None,
    facts: Callable[[Any], Any] | None = None,
    idempotent: type | None = None,
    args: Arguments | None = None,
) -> Any:
    """A mutation field running `service` on the node `input.<id_field>` names.

    The node's type is the payload's one field's, unless `node` names another (a payload that
    returns the changed node's parent). The service gets the session, the principal, the node's
    key as `<node>_id` (or, with `lock`, its row locked for update as `<node>`) and every other
    input field under its own name. The policy tests the node's row, or `facts(row)`.
    With `idempotent` (the model the service returns), a money mutation: its input's
    `idempotency_key` runs it once (stakeholders.idempotency). With `args`, the service
    gets what `args(info, input)` makes of the input instead of its fields as they are.
    """
    answer, built = payload_field(payload)
    type_name = node or built.__strawberry_definition__.name
    name = _snake(type_name)
    skipped = {id_field, "idempotency_key"}
    others = [f.name for f in dataclasses.fields(input_type) if f.name not in skipped]

    async def resolve(info: Info, input: Any) -> Any:
        ctx = info.context
        signed_in(ctx, action)
        if args is not None:
            values = await args(info, input)
        else:
            values = {field: getattr(input, field) for field in others}

        async def change(pk: int) -> Any:
            key: Any = pk if lock is None else await get_for_update(ctx.session, lock, pk)
            target = name if lock is not None else f"{name}_id"
            return await service(ctx.session, ctx.principal, **{target: key}, **values)

        async def work(pk: int) -> Any:
            if idempotent is None:
                return await change(pk)
            return await once_for(
                ctx,
                action,
                input,
                idempotent,
                lambda: change(pk),
            )

        pk = expect_global_id(getattr(input, id_field), type_name, field=_camel(id_field))
        loader = node_loader(type_name)
        row = await ctx.loaders.get(loader).load(pk)
        target = facts(row) if facts is not None and row is not None else row
        stored = stored_version(loader.table, pk) if "version" in loader.table.c else None
        changed = await run_mutation(ctx, action, target, lambda: work(pk), stored=stored)
        return payload(**{answer: built.from_row(changed)})

    return mutation_field(action, description, input_type, input_description, payload, resolve)


def mutation_field(
    action: str,
    description: str,
    input_type: type,
    input_description: str,
    payload: type,
    resolve: Callable[[Info, Any], Awaitable[Any]],
) -> Any:
    """The field `action` resolved by `resolve(info, input)`: one described input, a payload."""
    resolve.__annotations__ = {
        "info": Info,
        "input": Annotated[input_type, strawberry.argument(description=input_description)],
        "return": payload | None,
    }
    resolve.__name__ = _snake(action)  # type: ignore[attr-defined]
    return strawberry.mutation(resolver=resolve, description=description)


def payload_field(payload: type) -> tuple[str, Any]:
    """The name and type of a payload's one field."""
    (field,) = payload.__strawberry_definition__.fields  # type: ignore[attr-defined]
    return field.python_name, field.type


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)
