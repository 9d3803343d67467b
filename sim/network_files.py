"""Reading and validating user-supplied stakeholder network files.

Two formats:

* **GraphML** (``.graphml`` or ``.xml``; no edge file): every node needs the attribute ``type``;
  ``name``, ``sector``, ``founding_member``, ``commitment``, ``resources`` and ``source`` are
  optional; edge attribute ``weight`` is optional (default 1.0). Problems name the node id.
* **CSV** (any other suffix): a node list whose header has at least ``id,type`` (optionally the
  other node columns) and an optional edge list with header ``source,target[,weight]``
  (``source_id,target_id`` are accepted too). Without an edge list the network has no ties.
  Problems name the 1-based line in the file, header included. Extra columns are ignored.

Defaults for missing or empty optional values: ``name`` = id, ``sector`` = "",
``founding_member`` = False, ``commitment`` = the type's default (:data:`DEFAULT_COMMITMENT`),
``resources`` = the type's default (:data:`DEFAULT_RESOURCES`), ``source`` = the file name.
Types are matched case-insensitively. Booleans accept true/false, yes/no, 1/0.

Ties are undirected. Choices: a self-loop is dropped silently (an actor's tie to itself carries no
influence); an edge of weight 0 is dropped (0 means no tie); an edge listed several times (in
either direction) keeps its largest weight. All problems are collected before raising one
:class:`~sim.errors.NetworkFileError`; at most :data:`MAX_PROBLEMS_PER_FILE` line-level problems
are listed per file, followed by a count of the rest (whole-file problems are always listed). A
rejected node row is not reported again as a dangling edge end or counted as a node.
"""

from __future__ import annotations

import csv
import io
import math
import re
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import networkx as nx

from sim.errors import NetworkFileError
from sim.networks import (
    ACTOR_TYPES,
    DEFAULT_COMMITMENT,
    DEFAULT_RESOURCES,
    NODE_COLUMNS,
    StakeholderNetwork,
    build_nodes_frame,
    symmetric_adjacency,
)

MAX_PROBLEMS_PER_FILE = 100
GRAPHML_SUFFIXES = (".graphml", ".xml")
OPTIONAL_COLUMNS = ("name", "sector", "founding_member", "commitment", "resources", "source")
_TRUE = {"true", "t", "yes", "y", "1"}
_FALSE = {"false", "f", "no", "n", "0", ""}
_ALLOWED_TYPES = ", ".join(ACTOR_TYPES)


class _Problems:
    """Problem lines, capped per file (line-level problems only)."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.per_file: Counter[str] = Counter()

    def add(self, path: Path, message: str, always: bool = False) -> None:
        """Record a problem; ``always`` (whole-file problems) bypasses the cap."""
        if always:
            self.lines.append(f"{path}: {message}")
            return
        self.per_file[str(path)] += 1
        if self.per_file[str(path)] <= MAX_PROBLEMS_PER_FILE:
            self.lines.append(f"{path}: {message}")

    def raise_if_any(self) -> None:
        if not self.lines:
            return
        lines = list(self.lines)
        for path, count in self.per_file.items():
            if count > MAX_PROBLEMS_PER_FILE:
                lines.append(f"{path}: ... and {count - MAX_PROBLEMS_PER_FILE} more problems")
        raise NetworkFileError(lines)


def load_network(
    nodes_path: str | Path, edges_path: str | Path | None = None
) -> StakeholderNetwork:
    """Load and validate a user's network (see the module docstring for formats and defaults).

    Checks: file missing, empty (0 bytes), binary or not UTF-8, not valid GraphML/CSV, missing
    required column or attribute, unknown actor type, duplicate node id, dangling edge (naming a
    node that does not exist), weight negative/NaN/infinite/non-numeric, commitment outside
    [0, 1], negative resources, empty node list, and not exactly one ``administration`` node (the
    federal seat that successive administrations occupy).

    Args:
        nodes_path: A GraphML file, or a CSV node list.
        edges_path: A CSV edge list (only with a CSV node list).

    Returns:
        The validated network, nodes in file order.

    Raises:
        NetworkFileError: Every problem found, one line each.

    """
    nodes_path = Path(nodes_path)
    problems = _Problems()
    text = _read_text(nodes_path, problems)
    graphml = nodes_path.suffix.lower() in GRAPHML_SUFFIXES
    edges_text = None
    if edges_path is not None:
        edges_path = Path(edges_path)
        if graphml:
            problems.add(
                edges_path,
                f"an edge list is only read with a CSV node list; {nodes_path.name} is GraphML "
                "and holds its own edges (give no edge file)",
            )
        else:
            edges_text = _read_text(edges_path, problems)
    if text is None:
        problems.raise_if_any()
    if graphml:
        nodes, seen, edges = _parse_graphml(nodes_path, text, problems)
    else:
        nodes, seen = _parse_nodes_csv(nodes_path, text, problems)
        edges = [] if edges_text is None else _parse_edges_csv(edges_path, edges_text, problems)
    if nodes is not None:
        _check_whole(nodes_path, nodes, len(seen) - len(nodes), problems)
        for path, where, source, target, _ in edges:
            for end, node_id in (("source", source), ("target", target)):
                if node_id not in seen:  # a node rejected above is not reported again here
                    problems.add(
                        path,
                        f"{where}: edge {end} {node_id!r} is not a node id in {nodes_path.name} "
                        "(dangling edge)",
                    )
    problems.raise_if_any()
    index = {node["id"]: i for i, node in enumerate(nodes)}
    frame = build_nodes_frame({c: [node[c] for node in nodes] for c in NODE_COLUMNS})
    adjacency = symmetric_adjacency(
        len(nodes),
        [index[e[2]] for e in edges],
        [index[e[3]] for e in edges],
        [e[4] for e in edges],
    )
    return StakeholderNetwork(frame, adjacency)


MAX_FILE_BYTES = 256 * 1024 * 1024
"""A network file larger than this is refused before it is read (256 MB: several million rows)."""


def _read_bytes(path: Path, problems: _Problems) -> bytes | None:
    """The bytes of a regular file of at most :data:`MAX_FILE_BYTES`, or record why not.

    Only regular files are opened (a symlink counts as what it points to): a FIFO, a device such
    as ``/dev/zero`` or ``/dev/urandom``, or a socket is refused before it is opened, so reading
    can neither block nor exhaust memory. The file is opened without following a symlink swapped
    in after the check where the system allows it, and read up to the limit only.
    """
    import stat

    try:
        info = path.stat()
    except FileNotFoundError:
        problems.add(path, "file not found")
        return None
    except OSError as err:
        problems.add(path, f"cannot be read ({err.strerror})")
        return None
    if stat.S_ISDIR(info.st_mode):
        problems.add(path, "is a directory, not a file")
        return None
    if not stat.S_ISREG(info.st_mode):
        kind = (
            "a named pipe (FIFO)"
            if stat.S_ISFIFO(info.st_mode)
            else "a device"
            if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode)
            else "a socket"
            if stat.S_ISSOCK(info.st_mode)
            else "not a regular file"
        )
        problems.add(path, f"is {kind}, not a regular file; give a GraphML or CSV file")
        return None
    if info.st_size > MAX_FILE_BYTES:
        problems.add(
            path,
            f"is {info.st_size / 1e6:,.0f} MB; network files are read up to "
            f"{MAX_FILE_BYTES // 2**20} MB",
        )
        return None
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
    except OSError as err:
        problems.add(path, f"cannot be read ({err.strerror})")
        return None
    if len(data) > MAX_FILE_BYTES:  # it grew after the check
        problems.add(path, f"is larger than {MAX_FILE_BYTES // 2**20} MB")
        return None
    return data


def _read_text(path: Path, problems: _Problems) -> str | None:
    """Read a UTF-8 (or UTF-16 with a byte-order mark) text file, or record why it cannot be read.

    Messages never quote the file's content beyond a byte value and an offset.
    """
    data = _read_bytes(path, problems)
    if data is None:
        return None
    if not data:
        problems.add(path, "file is empty (0 bytes); expected GraphML or CSV text")
        return None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return _non_blank(path, data.decode("utf-16"), problems)
        except UnicodeDecodeError:
            problems.add(path, "starts like UTF-16 text but cannot be decoded; save it as UTF-8")
            return None
    if b"\x00" in data:
        even, odd = data[0::2], data[1::2]
        if data.count(b"\x00") * 3 >= len(data) and (
            even.count(b"\x00") * 2 >= len(even) or odd.count(b"\x00") * 2 >= len(odd)
        ):
            problems.add(
                path,
                "looks like UTF-16 text without a byte-order mark; save it as UTF-8 (or UTF-16 "
                "with a byte-order mark)",
            )
        else:
            problems.add(
                path, "binary file (contains NUL bytes); expected UTF-8 GraphML or CSV text"
            )
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        problems.add(
            path,
            f"not UTF-8 text (byte 0x{data[err.start]:02x} at offset {err.start} cannot be "
            "decoded); expected UTF-8 GraphML or CSV text",
        )
        return None
    return _non_blank(path, text, problems)


def _non_blank(path: Path, text: str, problems: _Problems) -> str | None:
    if not text.strip():
        problems.add(path, "file holds only whitespace; expected GraphML or CSV text")
        return None
    return text


def _node(path: Path, where: str, raw: dict[str, object], problems: _Problems) -> dict | None:
    """Validate one node's raw values and fill defaults; None if the id or type is unusable."""
    node_id = str(raw.get("id", "") or "").strip()
    if not node_id:
        problems.add(path, f"{where}: empty node id (every node needs a unique id)")
        return None
    label = where if where.startswith("node ") else f"{where}: node {node_id!r}"
    type_ = str(raw.get("type", "") or "").strip().lower()
    if type_ not in ACTOR_TYPES:
        found = "no type" if not type_ else f"unknown actor type {raw.get('type')!r}"
        problems.add(path, f"{label}: {found} (allowed types: {_ALLOWED_TYPES})")
        return None
    node = {"id": node_id, "type": type_}
    for col, default in (("name", node_id), ("sector", ""), ("source", path.name)):
        value = raw.get(col)
        node[col] = default if value is None or str(value).strip() == "" else str(value).strip()
    value = raw.get("founding_member")
    text = "" if value is None else str(value).strip().lower()
    node["founding_member"] = text in _TRUE
    if text not in _TRUE | _FALSE:
        problems.add(
            path, f"{label}: founding_member {value!r} is not a boolean (allowed: true, false)"
        )
    for col, default, allowed, ok in (
        ("commitment", DEFAULT_COMMITMENT[type_], "a number in [0, 1]", lambda x: 0 <= x <= 1),
        (
            "resources",
            DEFAULT_RESOURCES[type_],
            "a finite number >= 0",
            lambda x: 0 <= x < math.inf,
        ),
    ):
        value = raw.get(col)
        number = _number(value, default)
        if number is None:
            problems.add(path, f"{label}: {col} {value!r} is not a number (allowed: {allowed})")
        elif not ok(number):
            problems.add(path, f"{label}: {col} {value!r} is out of range (allowed: {allowed})")
        node[col] = number
    return node


def _number(value: object, default: float) -> float | None:
    """Parse a number; empty -> default; non-numeric or NaN -> None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _weight(path: Path, where: str, value: object, problems: _Problems) -> float | None:
    number = _number(value, 1.0)
    allowed = "(allowed: a finite number >= 0; 0 means no tie; empty means 1)"
    if number is None:
        problems.add(path, f"{where}: weight {value!r} is not a number {allowed}")
    elif number < 0 or math.isinf(number):
        problems.add(path, f"{where}: weight {value!r} is out of range {allowed}")
    else:
        return number
    return None


def _check_whole(path: Path, nodes: list[dict], rejected: int, problems: _Problems) -> None:
    """Check all nodes together: not empty, exactly one administration.

    ``rejected`` nodes (reported already) are not counted; with no valid node left, only an
    empty file is reported.
    """
    if not nodes:
        if not rejected:
            problems.add(path, "no nodes (the network needs the federal administration seat)")
        return
    seats = [node["id"] for node in nodes if node["type"] == "administration"]
    if len(seats) != 1:
        found = "no node" if not seats else f"{len(seats)} nodes ({', '.join(seats)})"
        note = f" ({rejected} rejected node row(s) not counted)" if rejected else ""
        problems.add(
            path,
            f"found {found} of type 'administration'{note}; exactly one is required (the "
            "federal administration seat, which successive administrations occupy)",
            always=True,
        )


_COLUMN_NAME = re.compile(r"^[^\W\d][\w .-]{0,39}$")


def _shown_header(header: list[str]) -> str:
    """The header's column names, if it looks like a CSV header; never other file content.

    A first line that is not a list of short column names (say, a system file given by
    mistake) is described, not quoted.
    """
    if 0 < len(header) <= 30 and all(_COLUMN_NAME.match(c) for c in header):
        return ",".join(header)
    return f"a first line of {len(header)} field(s) that are not column names (not shown)"


def _csv_rows(path: Path, text: str, problems: _Problems) -> tuple[list[str], list, list] | None:
    """Return the header (lower-cased), good and bad (line, row) pairs; None if not CSV.

    A bad row has a different number of fields from the header (reported here).
    """
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows = []
    try:
        for row in reader:
            if any(field.strip() for field in row):
                rows.append((reader.line_num, row))
    except csv.Error as err:
        problems.add(path, f"line {reader.line_num}: not valid CSV ({err})")
        return None
    if not rows:
        problems.add(path, "no header line; expected a CSV header")
        return None
    header = [field.strip().lower() for field in rows[0][1]]
    if not (0 < len(header) <= 30 and all(_COLUMN_NAME.match(c) for c in header if c)):
        problems.add(
            path,
            f"line {rows[0][0]}: not a CSV header ({_shown_header(header)}); the first line "
            "names the columns (required: id,type for nodes, source,target for edges)",
            always=True,
        )
        return None
    duplicates = sorted({c for c in header if header.count(c) > 1 and c})
    if duplicates:
        problems.add(path, f"line {rows[0][0]}: duplicate column(s) {', '.join(duplicates)}")
        return None
    body, bad = [], []
    for line, row in rows[1:]:
        if len(row) != len(header):
            problems.add(
                path,
                f"line {line}: {len(row)} fields, the header has {len(header)} "
                f"({_shown_header(header)})",
            )
            bad.append((line, row))
        else:
            body.append((line, row))
    return header, body, bad


def _parse_nodes_csv(
    path: Path, text: str, problems: _Problems
) -> tuple[list[dict] | None, set[str]]:
    """Return the valid nodes (None if the file is unusable) and every node id seen."""
    parsed = _csv_rows(path, text, problems)
    if parsed is None:
        return None, set()
    header, body, bad = parsed
    missing = [c for c in ("id", "type") if c not in header]
    if missing:
        problems.add(
            path,
            f"line 1: missing required column(s) {', '.join(missing)} (header found: "
            f"{_shown_header(header)}; required: id,type; optional: {','.join(OPTIONAL_COLUMNS)})",
        )
        return None, set()
    nodes, seen, first_line = [], set(), {}
    for line, row in body:
        raw = dict(zip(header, row, strict=True))
        node_id = raw["id"].strip()
        if node_id in first_line:
            problems.add(
                path,
                f"line {line}: duplicate node id {node_id!r} (first defined on line "
                f"{first_line[node_id]}; ids must be unique)",
            )
            continue
        if node_id:
            first_line[node_id] = line
            seen.add(node_id)
        node = _node(path, f"line {line}", raw, problems)
        if node is not None:
            nodes.append(node)
    column = header.index("id")
    seen |= {row[column].strip() for _, row in bad if column < len(row) and row[column].strip()}
    return nodes, seen


def _parse_edges_csv(path: Path, text: str, problems: _Problems) -> list[tuple]:
    """Edges as (path, where, source id, target id, weight or None if invalid)."""
    parsed = _csv_rows(path, text, problems)
    if parsed is None:
        return []
    header, body, _ = parsed
    ends = [
        next((c for c in names if c in header), None)
        for names in (("source", "source_id"), ("target", "target_id"))
    ]
    if None in ends:
        missing = [
            name for name, found in zip(("source", "target"), ends, strict=True) if not found
        ]
        problems.add(
            path,
            f"line 1: missing required column(s) {', '.join(missing)} (header found: "
            f"{_shown_header(header)}; expected source,target[,weight])",
        )
        return []
    edges = []
    for line, row in body:
        record = dict(zip(header, row, strict=True))
        source, target = (record[c].strip() for c in ends)
        where = f"line {line}"
        if not source or not target:
            problems.add(path, f"{where}: empty source or target (every edge names two node ids)")
            continue
        weight = _weight(path, f"{where}: edge {source}-{target}", record.get("weight"), problems)
        edges.append((path, where, source, target, weight))  # weight None: reported already
    return edges


_KEY_TYPES = {
    "type": ("string",),
    "name": ("string",),
    "sector": ("string",),
    "source": ("string",),
    "commitment": ("double", "float", "int", "long", "string"),
    "resources": ("double", "float", "int", "long", "string"),
    "weight": ("double", "float", "int", "long", "string"),
}
"""GraphML attribute → the ``attr.type`` values it may be declared with."""


def _tag(el: ET.Element) -> str:
    return el.tag.rsplit("}", 1)[-1]


def _graphml_structure(path: Path, root: ET.Element, problems: _Problems) -> bool:
    """Whole-file GraphML problems: not one graph, nested graphs, attributes of the wrong type.

    Returns:
        True if the file cannot be used (each problem recorded).
    """
    found = False
    graphs = [el for el in root if _tag(el) == "graph"]
    if len(graphs) != 1:
        problems.add(
            path,
            f"holds {len(graphs)} graphs; a network file holds exactly one <graph> (put every "
            "actor and tie in it)",
            always=True,
        )
        found = True
    for node in root.iter():
        if _tag(node) == "node" and any(_tag(child) == "graph" for child in node):
            problems.add(
                path,
                f"node {node.get('id')!r} holds a nested graph; nested graphs are not supported "
                "(list its actors as nodes of the one graph)",
                always=True,
            )
            found = True
            break
    for key in root.iter():
        if _tag(key) != "key":
            continue
        name, kind = key.get("attr.name"), (key.get("attr.type") or "string")
        if name in _KEY_TYPES and kind not in _KEY_TYPES[name]:
            problems.add(
                path,
                f"key {key.get('id')!r}: attribute {name!r} is declared attr.type={kind!r}; "
                f"declare it as {' or '.join(repr(k) for k in _KEY_TYPES[name][:2])}",
                always=True,
            )
            found = True
    return found


def _parse_graphml(
    path: Path, text: str, problems: _Problems
) -> tuple[list[dict] | None, set[str], list[tuple]]:
    """Return the valid nodes (None if unusable), every declared node id, the valid edges."""
    try:
        graph = nx.parse_graphml(text)
        root = ET.fromstring(text)
    except Exception as err:  # any parser failure means the file is not usable GraphML
        problems.add(path, f"not valid GraphML ({type(err).__name__}: {err})")
        return None, set(), []
    if _graphml_structure(path, root, problems):
        return None, set(), []
    declared = [el.get("id") for el in root.iter() if el.tag.rsplit("}", 1)[-1] == "node"]
    for node_id, count in Counter(declared).items():
        if count > 1:
            problems.add(
                path, f"node {node_id!r}: duplicate node id ({count} times; must be unique)"
            )
    seen = {str(node_id) for node_id in declared}
    nodes = []
    for node_id, data in graph.nodes(data=True):
        if str(node_id) not in seen:
            continue  # created by networkx for a dangling edge: reported with the edges
        raw = {**{k: v for k, v in data.items() if k != "id"}, "id": str(node_id)}
        node = _node(path, f"node {node_id!r}", raw, problems)
        if node is not None:
            nodes.append(node)
    edges = []
    for u, v, data in graph.edges(data=True):
        where = f"edge {u!r}-{v!r}"
        weight = _weight(path, where, data.get("weight"), problems)
        edges.append((path, where, str(u), str(v), weight))  # weight None: reported already
    return nodes, seen, edges
