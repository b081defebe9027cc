"""thb-graph: a linked-data knowledge graph of the fight against trafficking in human beings."""

from thb_graph.config import Settings

__version__ = "0.1.0"
__all__ = ["Settings", "__version__"]
