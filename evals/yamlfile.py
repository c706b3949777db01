"""YAML as case files need it: duplicate keys are errors, and answers stay text.

Turns are often short answers ("no", "yes", "2026-03-20"); YAML 1.1 would read them as
booleans and dates. Here only `true` and `false` are booleans (as in YAML 1.2) and dates
stay strings, parsed where a date is meant (`now`, `end`).
"""

from __future__ import annotations

import re
from typing import Any

import yaml

BOOL_TAG = "tag:yaml.org,2002:bool"
TEXT_TAGS = {BOOL_TAG, "tag:yaml.org,2002:timestamp"}


class CaseLoader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 booleans and no duplicate mapping keys."""


CaseLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in TEXT_TAGS]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
CaseLoader.add_implicit_resolver(
    BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _mapping(loader: CaseLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node)


CaseLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def load_yaml(text: str) -> Any:
    """The document; raises ValueError with a one-line message when it is not valid YAML."""
    try:
        return yaml.load(text, Loader=CaseLoader)  # a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise ValueError("not valid YAML: " + " ".join(str(exc).split())) from exc
