"""Read YAML into plain data, refusing duplicate mapping keys and remembering line numbers.

PyYAML silently keeps the last of two equal keys; in a framework file that hides a typo that
changes a rating, so we walk the composed node tree ourselves and report every duplicate.
"""

from __future__ import annotations

from typing import Any

import yaml

from .errors import LocatedError


def child_path(path: str, key: str | int) -> str:
    """Build ``a.b[2].c`` style paths used in every error message."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


class YamlDocument:
    """Plain data from one YAML document plus the line where each path starts."""

    def __init__(self, text: str) -> None:
        self.errors: list[LocatedError] = []
        self.lines: dict[str, int] = {}
        self.data: Any = None
        loader = yaml.SafeLoader(text)
        try:
            node = loader.get_single_node()
            if node is not None:
                self.data = self._convert(loader, node, "")
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark else None
            problem = exc.problem or exc.context or "invalid YAML"
            self.errors.append(LocatedError("", f"YAML syntax error: {problem}", line))
        except yaml.YAMLError as exc:
            self.errors.append(LocatedError("", f"YAML error: {exc}"))
        finally:
            loader.dispose()

    def _convert(self, loader: yaml.SafeLoader, node: yaml.Node, path: str) -> Any:
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(loader, node, path)
        if isinstance(node, yaml.SequenceNode):
            return [
                self._convert(loader, item, child_path(path, index))
                for index, item in enumerate(node.value)
            ]
        return loader.construct_object(node, deep=True)

    def _mapping(self, loader: yaml.SafeLoader, node: yaml.MappingNode, path: str) -> dict:
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                line = key_node.start_mark.line + 1
                self.errors.append(LocatedError(path, f"field name {key!r} must be text", line))
                continue
            here = child_path(path, key)
            if key in result:
                line = key_node.start_mark.line + 1
                first = self.lines.get(here)
                message = f'duplicate field "{key}" (first given on line {first})'
                self.errors.append(LocatedError(here, message, line))
                continue
            result[key] = self._convert(loader, value_node, here)
        return result
