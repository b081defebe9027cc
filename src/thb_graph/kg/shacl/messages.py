"""pyshacl's default messages, for the results of shapes that give no sh:message.

The messages are pyshacl's own: its constraint components write them, given the shape read
by pyshacl from the same shapes graph and a graph whose prefixes name the nodes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

if TYPE_CHECKING:
    from pyshacl.shapes_graph import ShapesGraph

from thb_graph.kg.shacl.model import UnsupportedShapeError
from thb_graph.namespaces import SH


class DefaultMessages:
    """Messages pyshacl writes when a shape has none (built on first use)."""

    def __init__(self, shapes: Graph, names: Graph) -> None:
        self.shapes = shapes
        self.names = names
        self._graph: ShapesGraph | None = None
        self._components: dict[URIRef, type] = {}

    def __call__(
        self, shape: Node, component: URIRef, focus: Node, value: Node | None
    ) -> tuple[Literal, ...]:
        """The default messages of ``component`` of ``shape`` for this result."""
        if self._graph is None:
            self._load()
        if self._graph is None:  # pragma: no cover - _load always sets it
            raise UnsupportedShapeError("the shapes could not be read for default messages")
        kind = self._components.get(component)
        if kind is None:
            raise UnsupportedShapeError(f"no default message for {component.n3()}")
        instance = kind(self._graph.lookup_shape_from_node(shape))
        return tuple(instance.make_generic_messages(self.names, focus, value))

    def _load(self) -> None:
        from pyshacl.constraints import ALL_CONSTRAINT_COMPONENTS
        from pyshacl.constraints.core.shape_based_constraints import (
            QualifiedValueShapeConstraintComponent,
        )
        from pyshacl.shapes_graph import ShapesGraph

        graph = ShapesGraph(self.shapes)
        graph.shapes  # noqa: B018 - reads every shape of the graph
        self._graph = graph
        for kind in ALL_CONSTRAINT_COMPONENTS:
            iri = getattr(kind, "shacl_constraint_component", None)
            if isinstance(iri, URIRef):
                self._components[iri] = kind
        for name in (
            "QualifiedMinCountConstraintComponent",
            "QualifiedMaxCountConstraintComponent",
        ):
            self._components[SH[name]] = QualifiedValueShapeConstraintComponent
