"""Validators for the tests: real parsers and published schemas, not hand-rolled checks.

An assertion that a build's output "looks like" Atom or a sitemap proves little;
these check it against RFC 4287's schema, the sitemaps.org schema and the
RFC 6690 grammar, so a test fails where a real consumer would.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

SCHEMAS = Path(__file__).resolve().parent / "schemas"

# sitemap.xsd's wildcards are processContents="strict": the hreflang xhtml:link
# is valid only where a schema declares it, so both are imported side by side.
_SITEMAP_SCHEMA_SET = b"""\
<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema">
  <xsd:import namespace="http://www.sitemaps.org/schemas/sitemap/0.9"
              schemaLocation="sitemap.xsd"/>
  <xsd:import namespace="http://www.w3.org/1999/xhtml"
              schemaLocation="xhtml-link.xsd"/>
</xsd:schema>
"""


@functools.cache
def _atom_schema() -> etree.RelaxNG:
    """RFC 4287's schema, from atom.rng: lxml reads RELAX NG in its XML syntax."""
    return etree.RelaxNG(etree.parse(SCHEMAS / "atom.rng"))


@functools.cache
def _sitemap_schema() -> etree.XMLSchema:
    """The sitemaps.org schema with the xhtml:link declaration its wildcards need."""
    # A name in schemas/, so that the imports' schemaLocations resolve there.
    base_url = (SCHEMAS / "sitemap-schema-set.xsd").as_uri()
    return etree.XMLSchema(etree.fromstring(_SITEMAP_SCHEMA_SET, base_url=base_url))


def _validate(xml: bytes, schema: etree.RelaxNG | etree.XMLSchema) -> None:
    """Raise AssertionError, with the parser's or the schema's log, unless ``xml`` is valid."""
    try:
        document = etree.fromstring(xml)
    except etree.XMLSyntaxError as error:
        raise AssertionError(f"not well-formed XML: {error}") from error
    if not schema.validate(document):
        raise AssertionError(str(schema.error_log))


def validate_atom(xml: bytes) -> None:
    """Assert that ``xml`` is an Atom feed or entry document valid against RFC 4287's schema.

    The schema's Schematron rules (each entry has an author, its own or its
    feed's, and a link or content) are annotations RELAX NG validation skips.
    """
    _validate(xml, _atom_schema())


def validate_sitemap(xml: bytes) -> None:
    """Assert that ``xml`` is a sitemap valid against sitemaps.org's 0.9 schema.

    It may carry hreflang ``<xhtml:link rel="alternate" hreflang=".." href=".."/>``
    in each ``<url>``; schemas/xhtml-link.xsd says what such a link must hold.
    """
    _validate(xml, _sitemap_schema())


# RFC 6690 Section 2, with the rules it takes from RFC 3986 (URI-Reference),
# RFC 2616 (quoted-string) and RFC 5987 (parmname, ext-value).
_URI_REFERENCE = r"(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*"
_TARGET = re.compile(rf"<({_URI_REFERENCE})>")
_PARMNAME = re.compile(r"([A-Za-z0-9!#$&+\-.^_`|~]+)(\*?)")
_PTOKEN = re.compile(r"[!#$%&'()*+\-./0-9:<=>?@A-Z\[\]^_`a-z{|}~]+")
_QUOTED_STRING = re.compile(r'"((?:[^"\\\x00-\x08\x0a-\x1f\x7f]|\\[\x00-\x7f])*)"')
_QUOTED_PAIR = re.compile(r"\\(.)", re.DOTALL)
_EXT_VALUE = re.compile(
    r"[A-Za-z0-9!#$%&+\-^_`{}~]+'[A-Za-z0-9\-]*'(?:%[0-9A-Fa-f]{2}|[A-Za-z0-9!#$&+\-.^_`|~])*"
)
# A relation-type is a reg-rel-type, or an ext-rel-type: an absolute URI.
_ONE_TYPE = rf"(?:[a-z][a-z0-9.\-]*|[A-Za-z][A-Za-z0-9+\-.]*:{_URI_REFERENCE})"
_RELATION_TYPE = re.compile(_ONE_TYPE)
_RELATION_TYPES = re.compile(rf"{_ONE_TYPE}(?: +{_ONE_TYPE})*")
# Whitespace is allowed around the "," and ";" separators and at either end:
# RFC 6690's grammar has none, but Memento TimeMaps (RFC 7089 Section 5) break
# and indent their links so, and they are what the tests read.
_OWS = re.compile(r"[ \t\r\n]*")


@dataclass(frozen=True)
class Link:
    """One link-value of an ``application/link-format`` document.

    ``params`` maps each parameter's name, lower-cased as names are
    case-insensitive, to its value: unquoted, with quoted-pairs undone, and
    ``""`` for a parameter given without one. An ``ext-value`` (``title*=``)
    is kept as written.
    """

    target: str
    params: dict[str, str]

    @property
    def rels(self) -> frozenset[str]:
        """The relation types in ``rel``; none if it is absent (RFC 6690's implied
        ``hosts`` is not added, so a test sees what the document says)."""
        return frozenset(self.params.get("rel", "").split())


def parse_link_format(text: str) -> list[Link]:
    """Parse an RFC 6690 ``application/link-format`` document, strictly.

    ``Link = [ link-value *[ "," link-value ] ]`` with
    ``link-value = "<" URI-Reference ">" *( ";" link-param )``; anything else
    (a missing ``<``, an unterminated quote, text between links, a trailing
    comma) raises ValueError, so a malformed TimeMap fails its test. An empty
    or all-whitespace document has no links.
    """
    links: list[Link] = []
    pos = _OWS.match(text).end()
    if pos == len(text):
        return links
    while True:
        link, pos = _link_value(text, pos)
        links.append(link)
        pos = _OWS.match(text, pos).end()
        if pos == len(text):
            return links
        if text[pos] != ",":
            raise ValueError(f"expected ',' or the end at offset {pos}: {text[pos : pos + 20]!r}")
        pos = _OWS.match(text, pos + 1).end()


def _link_value(text: str, pos: int) -> tuple[Link, int]:
    """The link-value at ``pos``, and the offset after it."""
    target = _TARGET.match(text, pos)
    if target is None:
        raise ValueError(
            f"expected '<' URI-Reference '>' at offset {pos}: {text[pos : pos + 20]!r}"
        )
    params: dict[str, str] = {}
    pos = target.end()
    while True:
        after_space = _OWS.match(text, pos).end()
        if after_space == len(text) or text[after_space] != ";":
            return Link(target.group(1), params), pos
        name, value, pos = _link_param(text, _OWS.match(text, after_space + 1).end())
        if name in params:
            raise ValueError(f"parameter {name!r} given twice for <{target.group(1)}>")
        params[name] = value


def _link_param(text: str, pos: int) -> tuple[str, str, int]:
    """The link-param at ``pos``: its lower-cased name, its value, the offset after it."""
    name_match = _PARMNAME.match(text, pos)
    if name_match is None:
        raise ValueError(f"expected a parameter name at offset {pos}: {text[pos : pos + 20]!r}")
    name = name_match.group(0).lower()
    pos = name_match.end()
    if name_match.group(2):
        # ext-name-star "=" ext-value: the value is required, and never quoted.
        value_match = _EXT_VALUE.match(text, pos + 1) if text.startswith("=", pos) else None
        if value_match is None:
            raise ValueError(f"expected '=' and an RFC 5987 ext-value for {name!r} at {pos}")
        return name, value_match.group(0), value_match.end()
    if not text.startswith("=", pos):
        value, quoted = "", False
    elif text.startswith('"', pos + 1):
        value_match = _QUOTED_STRING.match(text, pos + 1)
        if value_match is None:
            raise ValueError(f"unterminated or malformed quoted-string for {name!r} at {pos + 1}")
        value, quoted, pos = _QUOTED_PAIR.sub(r"\1", value_match.group(1)), True, value_match.end()
    else:
        value_match = _PTOKEN.match(text, pos + 1)
        if value_match is None:
            raise ValueError(f"expected a token or a quoted-string for {name!r} at {pos + 1}")
        value, quoted, pos = value_match.group(0), False, value_match.end()
    if name == "rel" and not _is_relation_types(value, quoted):
        raise ValueError(f"rel={value!r} is not RFC 6690 relation-types")
    return name, value, pos


def _is_relation_types(value: str, quoted: bool) -> bool:
    """RFC 6690's relation-types: one relation type, or several quoted and space-separated."""
    pattern = _RELATION_TYPES if quoted else _RELATION_TYPE
    return pattern.fullmatch(value) is not None
