"""What a document would cost, measured before it is validated or run.

Depth, aliases and an estimate of the fields resolved are computed in one walk in which each
fragment is measured once and its measures reused at every spread: linear in the document,
where expanding spreads (as strawberry's depth and alias limiters do) doubles per level of
`fragment X1 on Query { ...X0 ...X0 }`. Fragments are ordered iteratively, so a chain of
hundreds of them needs no Python recursion; within one selection the walk recurses, which the
parser's own nesting limit bounds.

The cost counts one per field, and a field that takes `first` (a connection) multiplies what it
selects by the page it asks for (`first`, at most the page cap, or the cap when omitted);
`_entities` multiplies by the representations given. Other lists count once: they are short
by construction (roles, targets, dimensions).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    ValueNode,
    VariableNode,
    get_named_type,
)
from graphql.language import DocumentNode

__all__ = ["Measures", "measure"]

# Big enough for any refusal to say how far past its limit a document is; small enough that a
# fan-out of thousands of fragments keeps its arithmetic on machine-sized integers.
CEILING = 10**15


@dataclass(frozen=True)
class Summary:
    depth: int = 0
    aliases: int = 0
    cost: int = 0
    nesting: int = 0
    repeats: int = 0


@dataclass
class Measures:
    """The operation's measures. `depth` counts fields as strawberry's depth limiter did;
    `nesting` counts selection sets through spreads, as graphql-core's validation guard does
    (past 200 its rules would recurse too deep); `repeats` is the most fields answering under
    one name in one selection set, spreads included, which graphql-core's overlapping-fields
    rule compares pairwise (480 `parties { totalCount }` cost it 0.8 s); `fragment_visits`
    proves the walk linear."""

    depth: int = 0
    aliases: int = 0
    cost: int = 0
    nesting: int = 0
    repeats: int = 0
    fragment_visits: dict[str, int] = field(default_factory=dict)


def measure(
    document: DocumentNode,
    schema: GraphQLSchema,
    *,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
    page_cap: int,
) -> Measures:
    """The measures of the operation that would run: the named one; without a name, the
    largest of each measure over all of them (whichever runs is then within bounds)."""
    walk = _Walk(schema, document, variables or {}, page_cap)
    operations = _operations(document, operation_name)
    if operations:
        for name in _fragment_order(walk.fragments):
            walk.measure_fragment(name)
    result = walk.result
    for operation in operations:
        root = schema.get_root_type(OperationType(operation.operation.value))
        summary, _ = walk.selections(operation.selection_set, root)
        for name in ("depth", "aliases", "cost", "nesting", "repeats"):
            setattr(result, name, max(getattr(result, name), getattr(summary, name)))
    return result


def _operations(document: DocumentNode, name: str | None) -> list[OperationDefinitionNode]:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is None:
        return operations
    return [o for o in operations if o.name is not None and o.name.value == name]


def _spreads(selection_set: SelectionSetNode | None) -> list[str]:
    """Names of the fragments spread anywhere inside `selection_set`, in document order."""
    found: list[str] = []
    pending = [selection_set] if selection_set is not None else []
    while pending:
        for selection in pending.pop().selections:
            if isinstance(selection, FragmentSpreadNode):
                found.append(selection.name.value)
            elif isinstance(selection, FieldNode | InlineFragmentNode) and selection.selection_set:
                pending.append(selection.selection_set)
    return found


def _fragment_order(fragments: Mapping[str, FragmentDefinitionNode]) -> list[str]:
    """Fragments after those they spread (iterative depth-first); a cycle is cut where it
    closes, and validation then refuses it."""
    order: list[str] = []
    state: dict[str, str] = {}
    for start in fragments:
        if start in state:
            continue
        stack = [(start, iter(_spreads(fragments[start].selection_set)))]
        state[start] = "open"
        while stack:
            name, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                state[name] = "done"
                order.append(name)
            elif child in fragments and child not in state:
                state[child] = "open"
                stack.append((child, iter(_spreads(fragments[child].selection_set))))
    return order


class _Walk:
    def __init__(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        variables: Mapping[str, Any],
        page_cap: int,
    ) -> None:
        self.schema = schema
        self.variables = variables
        self.page_cap = page_cap
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        # Each fragment's measures, and the response names its fields answer under (spreads
        # and inline fragments merge into the selection set they stand in).
        self.measured: dict[str, tuple[Summary, Counter[str]]] = {}
        self.result = Measures()

    def measure_fragment(self, name: str) -> None:
        fragment = self.fragments[name]
        visits = self.result.fragment_visits
        visits[name] = visits.get(name, 0) + 1
        on = self.schema.get_type(fragment.type_condition.name.value)
        self.measured[name] = self.selections(fragment.selection_set, on)

    def selections(
        self, selection_set: SelectionSetNode, on: GraphQLNamedType | None
    ) -> tuple[Summary, Counter[str]]:
        depth = aliases = cost = nesting = repeats = 0
        names: Counter[str] = Counter()
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                found = self.field(selection, on)
                names[(selection.alias or selection.name).value] += 1
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self.schema.get_type(condition.name.value) if condition else on
                found, merged = self.selections(selection.selection_set, inner)
                names.update(merged)
            elif isinstance(selection, FragmentSpreadNode):
                # measured before, or part of a cycle (then it counts nothing)
                found, merged = self.measured.get(selection.name.value, (Summary(), Counter()))
                names.update(merged)
            else:
                continue
            depth, nesting = max(depth, found.depth), max(nesting, found.nesting)
            repeats = max(repeats, found.repeats)
            aliases = min(aliases + found.aliases, CEILING)
            cost = min(cost + found.cost, CEILING)
        repeats = min(max(repeats, *names.values(), 0), CEILING)
        return Summary(depth, aliases, cost, 1 + nesting, repeats), names

    def field(self, node: FieldNode, on: GraphQLNamedType | None) -> Summary:
        alias = 1 if node.alias is not None else 0
        if node.selection_set is None:
            return Summary(0, alias, 1, 0, 0)
        definition = None
        if isinstance(on, GraphQLObjectType | GraphQLInterfaceType):
            definition = on.fields.get(node.name.value)
        inner = get_named_type(definition.type) if definition is not None else None
        below, _ = self.selections(node.selection_set, inner)
        # Introspection is deep by nature (ofType { ofType { ... } }) and cheap: not counted,
        # as strawberry's depth limiter does not count it.
        depth = 0 if node.name.value.startswith("__") else 1 + below.depth
        takes_first = definition is not None and "first" in definition.args
        times = self._times(node, takes_first)
        cost = min(1 + times * below.cost, CEILING)
        return Summary(depth, below.aliases + alias, cost, below.nesting, below.repeats)

    def _times(self, node: FieldNode, takes_first: bool) -> int:
        arguments = {argument.name.value: argument.value for argument in node.arguments or ()}
        if node.name.value == "_entities":
            return max(1, self._length(arguments.get("representations")))
        if not takes_first:
            return 1
        asked = self._int(arguments.get("first"))
        return self.page_cap if asked is None else max(0, min(asked, self.page_cap))

    def _value(self, node: ValueNode | None) -> Any:
        if isinstance(node, VariableNode):
            return self.variables.get(node.name.value)
        return node

    def _int(self, node: ValueNode | None) -> int | None:
        value = self._value(node)
        if isinstance(value, IntValueNode):
            return int(value.value) if len(value.value) < 20 else self.page_cap
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    def _length(self, node: ValueNode | None) -> int:
        value = self._value(node)
        if isinstance(value, ListValueNode):
            return len(value.values)
        return len(value) if isinstance(value, list) else 1
