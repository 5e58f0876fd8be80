"""Which context names a template family reads: parsed once, with Jinja's own parser.

A page's key holds the state of exactly the values its template, and every
template that one extends, includes or imports, can reach.
"""

from __future__ import annotations

import jinja2
from jinja2 import meta, nodes


class Parsed:
    """One template's syntax tree, as much of it as the key needs."""

    def __init__(self, environment: jinja2.Environment, name: str) -> None:
        source, _, _ = environment.loader.get_source(environment, name)
        tree = environment.parse(source)
        self.referenced = list(meta.find_referenced_templates(tree))
        self.loads: list[tuple[nodes.Name, nodes.Node]] = []  # (name read, its parent)
        self.stored: set[str] = set()
        stack: list[nodes.Node] = [tree]
        while stack:
            node = stack.pop()
            for child in node.iter_child_nodes():
                if isinstance(child, nodes.Name):
                    if child.ctx == "load":
                        self.loads.append((child, node))
                    else:
                        self.stored.add(child.name)
                stack.append(child)


def family_names(
    environment: jinja2.Environment, name: str, parsed: dict[str, Parsed]
) -> tuple[frozenset[str], frozenset[str]] | None:
    """Names read by ``name`` and every template it extends, includes or imports.

    A superset: a name the template sets itself is listed too, and simply
    not found in the context. Also the names of lists only ever read as
    ``for key, _ in NAME`` with the second item unused. None when a
    template is named at run time.
    """
    family: list[Parsed] = []
    seen: set[str] = set()
    todo = [name]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        if current not in parsed:
            parsed[current] = Parsed(environment, current)
        family.append(parsed[current])
        for referenced in parsed[current].referenced:
            if referenced is None:
                return None
            todo.append(referenced)
    loads = [load for template in family for load in template.loads]
    read = {use.name for use, _ in loads}
    keys_only = set(read)
    for use, parent in loads:
        if use.name in keys_only and not _reads_keys_only(use, parent, read):
            keys_only.discard(use.name)
    return frozenset(read), frozenset(keys_only)


def _reads_keys_only(use: nodes.Name, parent: nodes.Node, loaded: set[str]) -> bool:
    """``for key, unused in NAME``, ``NAME is defined``, ``if NAME``, ``NAME|length``."""
    if isinstance(parent, nodes.For) and parent.iter is use:
        target = parent.target
        return (
            isinstance(target, nodes.Tuple)
            and len(target.items) == 2
            and all(isinstance(item, nodes.Name) for item in target.items)
            and target.items[1].name not in loaded
        )
    if isinstance(parent, nodes.Test):
        return parent.name in ("defined", "undefined", "none")
    if isinstance(parent, nodes.Filter):
        return parent.name in ("length", "count")
    if isinstance(parent, (nodes.If, nodes.CondExpr)):
        return parent.test is use
    return isinstance(parent, (nodes.And, nodes.Or, nodes.Not))
