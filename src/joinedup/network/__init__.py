"""Networks of persons, vehicles, phones and places; offender groups, centrality, brokers,
hotspots, movement; VOLT problem profiles; GraphML and i2 exports (docs/networks.md).

The façade: build a :class:`Network` from an assembly (read through the door) for a
:class:`Window`, run :func:`analyse`, then profile or export the result.
"""

from joinedup.network.analysis import Analysis, analyse
from joinedup.network.graph import Network, build_network
from joinedup.network.scope import Window

__all__ = ["Analysis", "Network", "Window", "analyse", "build_network"]
