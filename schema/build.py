"""The schema, composed from the areas' root mixins, with the policy, limits and errors."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from graphql import GraphQLError, GraphQLObjectType
from strawberry.federation.schema import FederationAny
from strawberry.schema.config import StrawberryConfig
from strawberry.types.base import StrawberryObjectDefinition
from strawberry.types.execution import ExecutionContext

from schema.admission import Limits, admission
from schema.compiled import compiled
from schema.errors import code_error
from schema.permissions import apply_policy
from schema.text_checks import guard_arguments
from schema.unit_of_work import UnitOfWork
from schema.viewer import ViewerQuery
from stakeholders.audit.types import AuditQuery
from stakeholders.common.relay import Node
from stakeholders.common.resolvers import Info, load_node, node_types
from stakeholders.common.scalars import SCALARS
from stakeholders.delivery.schema import DeliveryMutation, DeliveryQuery
from stakeholders.errors import BadInput
from stakeholders.funding.schema import FundingMutation, FundingQuery
from stakeholders.funding.sponsor_schema import SponsorMutation, SponsorQuery
from stakeholders.live.schema import LiveSubscription
from stakeholders.observatory.schema import ObservatoryQuery
from stakeholders.outcomes.schema import OutcomeMutation, OutcomeQuery
from stakeholders.parties.schema import PartyQuery
from stakeholders.programmes.schema import ProgrammeMutation, ProgrammeQuery
from stakeholders.programmes.work_schema import WorkMutation, WorkQuery
from stakeholders.quality.schema import QualityMutation, QualityQuery

__all__ = ["FEDERATION_VERSION", "AccordSchema", "build_schema"]

FEDERATION_VERSION = "2.11"


@strawberry.type(description="Read the coordinated work model; you see what the policy lets you.")
class Query(
    ViewerQuery,
    PartyQuery,
    ProgrammeQuery,
    WorkQuery,
    DeliveryQuery,
    OutcomeQuery,
    FundingQuery,
    SponsorQuery,
    QualityQuery,
    ObservatoryQuery,
    AuditQuery,
):
    @strawberry.field(description="Any object by its global ID; null when you may not see it.")
    async def node(
        self,
        info: Info,
        id: Annotated[
            strawberry.ID, strawberry.argument(description="Global ID, as an object's id gives it.")
        ],
    ) -> Node | None:
        return await load_node(info.context, str(id))


@strawberry.type(description="Change the work model; every change is checked and audited.")
class Mutation(
    ProgrammeMutation,
    WorkMutation,
    DeliveryMutation,
    OutcomeMutation,
    FundingMutation,
    SponsorMutation,
    QualityMutation,
):
    pass


@strawberry.type(
    description="Hear of changes as they are committed (WebSocket, graphql-transport-ws)."
)
class Subscription(LiveSubscription):
    pass


class AccordSchema(strawberry.federation.Schema):
    def entities_resolver(
        self, info: Info, representations: list[FederationAny]
    ) -> list[FederationAny]:
        """strawberry's resolver takes each representation as `{__typename, id}` on trust: a
        string, an unknown type or a missing id was an INTERNAL error (found by the fuzz)."""
        problems = [self._representation_problem(item) for item in representations]
        valid = [
            item for item, problem in zip(representations, problems, strict=True) if problem is None
        ]
        resolved = iter(super().entities_resolver(info, valid) if valid else [])
        # As strawberry's own: an item that failed is its exception, the error at its index.
        answers: list[Any] = [next(resolved) if p is None else p for p in problems]
        return answers

    def _representation_problem(self, representation: Any) -> BadInput | None:
        if not isinstance(representation, dict) or set(representation) != {"__typename", "id"}:
            return BadInput("a representation is an object of __typename and id", field="id")
        type_name = representation["__typename"]
        known = (
            self.schema_converter.type_map.get(type_name) if isinstance(type_name, str) else None
        )
        definition = getattr(known, "definition", None)
        if not hasattr(getattr(definition, "origin", None), "resolve_reference"):
            return BadInput("__typename names no entity of this subgraph", field="__typename")
        return None

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        for error in errors:
            code_error(error)


def _definitions(schema: strawberry.Schema) -> list[StrawberryObjectDefinition]:
    return [
        t.definition
        for t in schema.schema_converter.type_map.values()
        if isinstance(t.definition, StrawberryObjectDefinition)
    ]


FEDERATION_WORDS = {
    ("_Service", "sdl"): "This subgraph's SDL, for the federation gateway's composition.",
    ("Query", "_entities", "representations"): (
        "Entity references ({__typename, id}) the gateway resolves through this subgraph."
    ),
}


def _describe_federation(schema: AccordSchema) -> AccordSchema:
    """strawberry's own federation fields come undescribed; a client looks at them too."""
    graphql = schema._schema
    service = graphql.type_map["_Service"]
    query = graphql.query_type
    assert isinstance(service, GraphQLObjectType) and query is not None
    service.fields["sdl"].description = FEDERATION_WORDS[("_Service", "sdl")]
    representations = query.fields["_entities"].args["representations"]
    representations.description = FEDERATION_WORDS[("Query", "_entities", "representations")]
    return schema


def build_schema(*, limits: Limits | None = None, compiled_reads: bool = False) -> AccordSchema:
    """Build the schema; raises PolicyError when a type or field lacks a rule.

    `compiled_reads`: queries are answered by SQL that builds their JSON where the compiler
    covers them (schema.compiled), by the resolvers elsewhere."""
    limits = limits or Limits()
    options: dict[str, Any] = {
        "query": Query,
        "mutation": Mutation,
        "subscription": Subscription,
        "federation_version": FEDERATION_VERSION,
        # Types reached only through lazy connections would miss the _Entity union otherwise.
        "types": node_types(),
        "config": StrawberryConfig(disable_field_suggestions=True, scalar_map=SCALARS),
    }
    # A first build finds every type reachable from the roots; the policy is then attached to
    # their fields, which the real build below turns into resolvers.
    draft = AccordSchema(**options)
    apply_policy(_definitions(draft), draft.config.name_converter.get_graphql_name)
    schema = AccordSchema(
        **options,
        # Admission parses, measures and validates (cached), before anything runs.
        extensions=[
            UnitOfWork,
            admission(limits),
            *([compiled(limits.page_cap)] if compiled_reads else []),
        ],
    )
    guard_arguments(schema._schema)
    return _describe_federation(schema)
