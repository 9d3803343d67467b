"""What the model reads from a node table's ``id`` and ``type`` columns, made once per table.

The ids and types of a case network's actors depend only on the case and the pool's size, not
on the seed: :func:`sim.case_network.case_network` attaches the :class:`NodeFacts` of its
(remembered) node table to the network it builds, and the model uses them when it built the
network itself (a network handed to the model gets its facts made from its table). Arrays are
read-only: the model copies what it keeps.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.state import TYPE_CODE


@dataclass(frozen=True, eq=False)
class NodeFacts:
    """A node table's ids and types as the model reads them.

    Attributes:
        ids: Node ids, by index.
        types: Actor type keys, by index.
        codes: Type codes (:data:`sim.state.TYPE_CODE`), by index (read-only int64).
        row: Index of each node id.
        of_type: Indices of each type present, in order.

    """

    ids: tuple[str, ...]
    types: tuple[str, ...]
    codes: np.ndarray
    row: Mapping[str, int]
    of_type: Mapping[str, tuple[int, ...]]

    @classmethod
    def of(cls, nodes: pd.DataFrame) -> NodeFacts:
        """The facts of a node table (raises ``KeyError`` for an unknown type, as before)."""
        ids, types = tuple(nodes["id"].tolist()), tuple(nodes["type"].tolist())
        codes = np.array([TYPE_CODE[t] for t in types], dtype=np.int64)
        codes.flags.writeable = False
        of_type: dict[str, list[int]] = {}
        for i, kind in enumerate(types):
            of_type.setdefault(kind, []).append(i)
        return cls(
            ids,
            types,
            codes,
            {node_id: i for i, node_id in enumerate(ids)},
            {k: tuple(v) for k, v in of_type.items()},
        )

    def indices(self, kinds: set[str] | frozenset[str]) -> list[int]:
        """Indices of the nodes of any of ``kinds``, in index order."""
        return sorted(i for kind in kinds for i in self.of_type.get(kind, ()))
