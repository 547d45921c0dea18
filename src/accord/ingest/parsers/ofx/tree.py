"""A small element tree that both OFX syntaxes (1.x SGML, 2.x XML) are read into."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree


class OfxError(Exception):
    """A problem at a line of the file; the parser turns it into a StatementParseError."""

    def __init__(self, line: int | None, problem: str) -> None:
        super().__init__(problem)
        self.line = line
        self.problem = problem


@dataclass(frozen=True, slots=True)
class Node:
    """An OFX element: upper-case name, stripped text (leaves), children, 1-based line."""

    name: str
    text: str
    children: tuple[Node, ...]
    line: int

    def child(self, name: str) -> Node | None:
        return next((c for c in self.children if c.name == name), None)

    def all(self, name: str) -> list[Node]:
        return [c for c in self.children if c.name == name]

    def value(self, name: str) -> str | None:
        """The text of the child leaf `name`, or None when absent or empty."""
        found = self.child(name)
        return found.text if found is not None and found.text else None

    def require(self, name: str, what: str) -> Node:
        found = self.child(name)
        if found is None:
            raise OfxError(self.line, f"{self.name} has no {name}: expected {what}")
        return found

    def required_value(self, name: str, what: str) -> str:
        node = self.require(name, what)
        if not node.text:
            raise OfxError(node.line, f"{name} is empty: expected {what}")
        return node.text


def from_xml(element: etree._Element) -> Node:
    """Convert an lxml element (comments and processing instructions already removed)."""
    children = tuple(from_xml(c) for c in element if isinstance(c.tag, str))
    line = element.sourceline
    return Node(
        name=str(element.tag).upper(),
        text=(element.text or "").strip() if not children else "",
        children=children,
        line=line if isinstance(line, int) else 0,
    )


def find_all(root: Node, names: frozenset[str]) -> list[Node]:
    """Every element named in `names`, in document order (not looking inside matches)."""
    found: list[Node] = []
    pending = [root]
    while pending:
        node = pending.pop()
        if node.name in names:
            found.append(node)
        else:
            pending.extend(reversed(node.children))
    return found
