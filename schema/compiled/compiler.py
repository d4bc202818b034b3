"""A root field's selection compiled into one SELECT whose single value is the field's JSON.

Everything comes from declarations that exist once: the types' shapes (where each field lives,
stakeholders.common.shapes), their `readable(principal)` selects for rows, and the policy in
auth for fields. A field whose rule is not SAME_AS_ROW becomes
`CASE WHEN <one of its grants holds> THEN value ELSE <marker> END`; the marker turns into null
and a FORBIDDEN error at its path (schema.compiled.markers), as PolicyGuard does on the
resolver path. A field of an object that the compiler does not build is left to the
resolvers, for that subtree only (schema.compiled.deferred); anything else it does not know
raises Uncovered, and the resolvers answer that root field instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLType,
)
from graphql.execution.values import VariableValues
from graphql.type import GraphQLField
from sqlalchemy import (
    ColumnElement,
    FromClause,
    Select,
    Table,
    false,
    func,
    or_,
    select,
    true,
)

from auth.errors import AccordError
from auth.policy import EVERY_KEY, SAME_AS_ROW, TYPES, Grant
from auth.principal import Principal
from schema.compiled.deferred import Deferral
from schema.compiled.markers import FORBIDDEN_JSON, MARKER_KEY, Site, deferred_marker
from schema.compiled.selection import Fields, Uncovered, arguments, collect
from schema.compiled.sqljson import Json
from stakeholders.common.loading import PageRequest
from stakeholders.common.relay import page_request
from stakeholders.common.shapes import (
    SHAPES,
    ByKey,
    Column,
    Filter,
    GlobalId,
    Paged,
    RootField,
    RootList,
    Shape,
    ToOne,
    Value,
)

__all__ = ["Compiler"]

Path = tuple[str, ...]
Joins = list[tuple[FromClause, ColumnElement[bool]]]
Condition = ColumnElement[Any] | bool


def _named(graphql_type: GraphQLType) -> Any:
    while isinstance(graphql_type, GraphQLNonNull | GraphQLList):
        graphql_type = graphql_type.of_type
    return graphql_type


class Compiler:
    """Compiles the root fields of one request, for one principal on one dialect."""

    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: VariableValues | None,
        principal: Principal,
        dialect: str,
        page_cap: int,
    ) -> None:
        self.schema, self.fragments, self.variables = schema, fragments, variables
        self.principal, self.page_cap = principal, page_cap
        self.json = Json(dialect)
        # Where a marker may appear (path of response keys, list indexes left out).
        self.sites: dict[Path, Site] = {}
        # Fields left to the resolvers, by the number their markers carry.
        self.deferrals: list[Deferral] = []
        # The types the resolvers can take up again by ID (`_entities`).
        entity = schema.type_map.get("_Entity")
        self.entities = {t.name for t in getattr(entity, "types", ())}

    # -- roots -------------------------------------------------------------------------------

    def root(self, key: str, nodes: list[FieldNode], root: RootField) -> Select[Any]:
        query = self.schema.query_type
        assert query is not None
        field = query.fields[nodes[0].name.value]
        args = arguments(field, nodes[0], self.variables)
        target = self._shape(root.target)
        if isinstance(root, RootList):
            filters = _known(args, root.filters, paging=True)
            where = self._filters(filters, target.table, args)
            rows = _Rows(target, self.principal, where, None)
            document = self._connection(rows, _named(field.type), nodes, args, (key,))
        else:
            assert isinstance(root, ByKey)
            _known(args, {root.argument: Filter(root.column)}, paging=False)
            readable = target.readable(self.principal).subquery()
            joins: Joins = []
            shown = self._object(target, readable, _named(field.type), nodes, (key,), joins)
            found = select(shown).select_from(_joined(readable, joins))
            found = found.where(readable.c[root.column] == args[root.argument])
            document = found.scalar_subquery()
        return select(self.json.text(document))

    # -- objects -----------------------------------------------------------------------------

    def _shape(self, type_name: str) -> Shape:
        shape = SHAPES.get(type_name)
        if shape is None:
            raise Uncovered(f"{type_name} has no declared shape")
        return shape

    def _fields(self, graphql_type: GraphQLObjectType, nodes: list[FieldNode]) -> Fields:
        return collect(self.schema, graphql_type, [n.selection_set for n in nodes], self.fragments)

    def _object(
        self,
        shape: Shape,
        rows: FromClause,
        graphql_type: GraphQLObjectType,
        nodes: list[FieldNode],
        path: Path,
        joins: Joins,
    ) -> ColumnElement[Any]:
        """The row's object; to-one relations join the statement the object is read in."""
        pairs: list[tuple[str, ColumnElement[Any]]] = []
        for key, fields in self._fields(graphql_type, nodes).items():
            if fields[0].name.value == "__typename":
                pairs.append((key, self.json.name(graphql_type.name)))
                continue
            joined = len(joins)
            try:
                value = self._field(shape, rows, graphql_type, key, fields, path, joins)
            except Uncovered:
                if graphql_type.name not in self.entities:
                    raise
                del joins[joined:]  # what the subtree joined before giving up
                value = self._deferred(shape, rows, graphql_type, key, fields)
            pairs.append((key, value))
        return self.json.object(pairs)

    def _field(
        self,
        shape: Shape,
        rows: FromClause,
        graphql_type: GraphQLObjectType,
        key: str,
        fields: list[FieldNode],
        path: Path,
        joins: Joins,
    ) -> ColumnElement[Any]:
        name = fields[0].name.value
        declared = shape.fields.get(name)
        if declared is None:
            raise Uncovered(f"{shape.type_name}.{name} is not declared")
        graphql_field = graphql_type.fields[name]
        if not isinstance(declared, Paged) and any(f.arguments for f in fields):
            raise Uncovered(f"{shape.type_name}.{name} takes arguments")
        here = (*path, key)
        value = self._value(shape, declared, rows, graphql_field, fields, here, joins)
        allowed = self._readable(shape.type_name, name, rows)
        return self._guarded(value, allowed, declared, shape, name, fields, here)

    def _deferred(
        self,
        shape: Shape,
        rows: FromClause,
        graphql_type: GraphQLObjectType,
        key: str,
        fields: list[FieldNode],
    ) -> ColumnElement[Any]:
        """The marker of a field the resolvers answer (schema.compiled.deferred); they apply
        the field's policy themselves."""
        number = len(self.deferrals)
        self.deferrals.append(Deferral(graphql_type.name, key, fields))
        marker = [
            (MARKER_KEY, self.json.name(deferred_marker(number))),
            ("id", self.json.global_id(shape.type_name, rows.c.id)),
        ]
        return self.json.object(marker)

    def _value(
        self,
        shape: Shape,
        declared: Any,
        rows: FromClause,
        graphql_field: GraphQLField,
        fields: list[FieldNode],
        path: Path,
        joins: Joins,
    ) -> ColumnElement[Any]:
        if isinstance(declared, Column):
            return self._column(rows, declared)
        if isinstance(declared, GlobalId):
            return self.json.global_id(shape.type_name, rows.c.id)
        if isinstance(declared, Value):
            return self._value_object(rows, declared, _named(graphql_field.type), fields)
        if isinstance(declared, ToOne):
            target = self._shape(declared.target)
            # Joined, not a subquery: SQLite's parser takes only so many nested statements.
            readable = target.readable(self.principal).subquery()
            joins.append((readable, readable.c.id == rows.c[declared.fk]))
            inner = self._object(target, readable, _named(graphql_field.type), fields, path, joins)
            return self.json.optional(readable.c.id.is_not(None), inner)
        assert isinstance(declared, Paged)
        target = self._shape(declared.target)
        args = arguments(graphql_field, fields[0], self.variables)
        filters = _known(args, declared.filters, paging=True)
        table = target.table
        where = [table.c[declared.fk] == rows.c.id, *self._filters(filters, table, args)]
        children = _Rows(target, self.principal, where, rows)
        return self._connection(children, _named(graphql_field.type), fields, args, path)

    def _column(self, rows: FromClause, declared: Column) -> ColumnElement[Any]:
        column = rows.c[declared.name]
        if declared.kind == "json":
            return self.json.document_column(column)
        if declared.kind == "bool":
            return self.json.boolean(column)
        return self.json.scalar(column)

    def _value_object(
        self,
        rows: FromClause,
        declared: Value,
        graphql_type: GraphQLObjectType,
        nodes: list[FieldNode],
    ) -> ColumnElement[Any]:
        pairs: list[tuple[str, ColumnElement[Any]]] = []
        for key, fields in self._fields(graphql_type, nodes).items():
            name = fields[0].name.value
            if name == "__typename":
                pairs.append((key, self.json.name(graphql_type.name)))
            elif name in declared.fields:
                pairs.append((key, self._column(rows, declared.fields[name])))
            else:
                raise Uncovered(f"{graphql_type.name}.{name} is computed")
        present = rows.c[declared.present].is_not(None)
        return self.json.optional(present, self.json.object(pairs))

    # -- connections -------------------------------------------------------------------------

    def _connection(
        self,
        rows: _Rows,
        connection_type: GraphQLObjectType,
        nodes: list[FieldNode],
        args: dict[str, Any],
        path: Path,
    ) -> ColumnElement[Any]:
        request = self._page(args)
        target = rows.shape
        page = rows.page(request)
        pairs: list[tuple[str, ColumnElement[Any]]] = []
        for key, fields in self._fields(connection_type, nodes).items():
            name, here = fields[0].name.value, (*path, key)
            if name == "__typename":
                pairs.append((key, self.json.name(connection_type.name)))
            elif name == "totalCount":
                every = rows.all()
                total = select(func.count()).select_from(every).scalar_subquery()
                pairs.append((key, self.json.scalar(total)))
            elif name == "edges":
                edge_type = _named(connection_type.fields["edges"].type)
                pairs.append((key, self._edges(target, page, edge_type, fields, here)))
            elif name == "pageInfo":
                info_type = _named(connection_type.fields["pageInfo"].type)
                pairs.append((key, self._page_info(rows.all(), page, request, info_type, fields)))
            else:
                raise Uncovered(f"{connection_type.name}.{name}")
        return self.json.object(pairs)

    def _page(self, args: dict[str, Any]) -> PageRequest:
        try:
            return page_request(args.get("first"), args.get("after"), self.page_cap)
        except AccordError as refused:
            # The resolvers answer it, with their error at each parent's path.
            raise Uncovered(refused.message) from None

    def _edges(
        self,
        target: Shape,
        page: FromClause,
        edge_type: GraphQLObjectType,
        nodes: list[FieldNode],
        path: Path,
    ) -> ColumnElement[Any]:
        pairs: list[tuple[str, ColumnElement[Any]]] = []
        joins: Joins = []
        for key, fields in self._fields(edge_type, nodes).items():
            name = fields[0].name.value
            if name == "__typename":
                pairs.append((key, self.json.name(edge_type.name)))
            elif name == "cursor":
                pairs.append((key, self.json.cursor(page.c.id)))
            elif name == "node":
                node_type = _named(edge_type.fields["node"].type)
                node = self._object(target, page, node_type, fields, (*path, key), joins)
                pairs.append((key, node))
            else:
                raise Uncovered(f"{edge_type.name}.{name}")
        edges = select(self.json.array(self.json.object(pairs), page.c.id))
        edges = edges.select_from(_joined(page, joins))
        return edges.scalar_subquery()

    def _page_info(
        self,
        rows: FromClause,
        page: FromClause,
        request: PageRequest,
        info_type: GraphQLObjectType,
        nodes: list[FieldNode],
    ) -> ColumnElement[Any]:
        def count(*where: ColumnElement[bool]) -> Any:
            return select(func.count()).select_from(rows).where(*where).scalar_subquery()

        pairs: list[tuple[str, ColumnElement[Any]]] = []
        for key, fields in self._fields(info_type, nodes).items():
            name = fields[0].name.value
            if name == "__typename":
                value: ColumnElement[Any] = self.json.name(info_type.name)
            elif name == "hasNextPage":
                value = self.json.boolean(count(rows.c.id > request.after) > request.first)
            elif name == "hasPreviousPage":
                # Some row stands at or before the cursor (stakeholders.common.loading._page).
                value = self.json.boolean(count(rows.c.id <= request.after) > 0)
            elif name in ("startCursor", "endCursor"):
                edge = func.min if name == "startCursor" else func.max
                value = self.json.cursor(select(edge(page.c.id)).scalar_subquery())
            else:
                raise Uncovered(f"{info_type.name}.{name}")
            pairs.append((key, value))
        return self.json.object(pairs)

    def _filters(
        self, filters: Mapping[str, Filter], rows: Table, args: dict[str, Any]
    ) -> list[ColumnElement[bool]]:
        clauses: list[ColumnElement[bool]] = []
        for name, declared in filters.items():
            value = args[name]
            if declared.check is not None:
                try:
                    value = declared.check(value)
                except AccordError as refused:
                    raise Uncovered(refused.message) from None
            column = rows.c[declared.column]
            clauses.append(column.in_(list(value)) if declared.many else column == value)
        return clauses

    # -- the policy --------------------------------------------------------------------------

    def _readable(self, type_name: str, field_name: str, rows: FromClause) -> Condition:
        """Whether the caller may read the field of the row, from the policy's grants."""
        rule = TYPES[type_name]
        grants = rule.fields[field_name]
        if grants is SAME_AS_ROW:
            return True  # the row filter decided
        assert isinstance(grants, tuple)
        held = [self._holds(g, rule.columns, rows) for g in grants]
        if any(h is True for h in held):
            return True
        conditions = [h for h in held if not isinstance(h, bool)]
        return or_(*conditions) if conditions else False

    def _holds(self, grant: Grant, columns: Mapping[str, str], rows: FromClause) -> Condition:
        """auth.relations.Relation.holds, as SQL on the row's columns."""
        if not self.principal.has_any_role(grant.roles):
            return False
        relation = grant.relation
        keys = relation.keys(self.principal)
        if keys is EVERY_KEY:
            return True
        if not keys:
            return False
        fact = relation.fact or ""
        if relation.derived:
            # Computed by the readable select for this caller's keys (a boolean column).
            return rows.c[fact] == true()
        return rows.c[columns.get(fact, fact)].in_(sorted(keys))  # type: ignore[arg-type]

    def _guarded(
        self,
        value: ColumnElement[Any],
        allowed: Condition,
        declared: Any,
        shape: Shape,
        name: str,
        fields: list[FieldNode],
        path: Path,
    ) -> ColumnElement[Any]:
        if allowed is True:
            return value
        self.sites[path] = Site(f"you may not read {shape.type_name}.{name}", fields)
        condition = false() if allowed is False else allowed
        return self.json.guarded(condition, value, FORBIDDEN_JSON)


def _joined(rows: FromClause, joins: Joins) -> FromClause:
    """`rows` with the to-one relations its objects show, left-joined by their keys."""
    joined = rows
    for target, on in joins:
        joined = joined.outerjoin(target, on)
    return joined


class _Rows:
    """The rows of a list: the target's readable select, filtered, and correlated to the row
    of its parent when it has one. Each use gets a derived table of its own, kept as shallow
    as it can be (SQLite's parser has a bounded stack)."""

    def __init__(
        self,
        shape: Shape,
        principal: Principal,
        where: list[ColumnElement[bool]],
        parent: FromClause | None,
    ) -> None:
        self.shape, self.principal, self.where, self.parent = shape, principal, where, parent

    def _select(self) -> Select[Any]:
        found = self.shape.readable(self.principal).where(*self.where)
        return found.correlate(self.parent) if self.parent is not None else found

    def all(self) -> FromClause:
        return self._select().subquery()

    def page(self, request: PageRequest) -> FromClause:
        table = self.shape.table
        found = self._select().where(table.c.id > request.after).order_by(table.c.id)
        return found.limit(request.first).subquery()


def _known(
    args: dict[str, Any], filters: Mapping[str, Filter], *, paging: bool
) -> dict[str, Filter]:
    """The declared filters the arguments use; Uncovered for any other argument given."""
    used: dict[str, Filter] = {}
    for name, value in args.items():
        if value is None or (paging and name in ("first", "after")):
            continue
        if name not in filters:
            raise Uncovered(f"argument {name} is not declared")
        used[name] = filters[name]
    return used
