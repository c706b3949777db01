"""The one YAML loader: safe, and a duplicate mapping key is an error, not a silent
overwrite (for org files and eval case files alike).

`yaml12=True` reads scalars as YAML 1.2 does where case files need it: only `true` and
`false` are booleans and dates stay text. Turns are often short answers ("no", "yes",
"2026-03-20") that YAML 1.1 would turn into booleans and dates.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

_Base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's if built
BOOL_TAG = "tag:yaml.org,2002:bool"
_TEXT_TAGS = {BOOL_TAG, "tag:yaml.org,2002:timestamp"}


class UniqueKeyLoader(_Base):  # type: ignore[valid-type,misc]
    """SafeLoader that refuses duplicate mapping keys."""


class Yaml12Loader(UniqueKeyLoader):
    """UniqueKeyLoader with YAML 1.2 booleans and dates left as text."""


def _mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node)


UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in _TEXT_TAGS]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
Yaml12Loader.add_implicit_resolver(
    BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def load_yaml(text: str, *, yaml12: bool = False) -> Any:
    """The document; raises `yaml.YAMLError` (with its line and column) when it is not
    valid YAML or repeats a key."""
    return yaml.load(text, Loader=Yaml12Loader if yaml12 else UniqueKeyLoader)


def one_line(exc: yaml.YAMLError) -> str:
    return "not valid YAML: " + " ".join(str(exc).split())
