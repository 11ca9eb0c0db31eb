"""Safe YAML reading: params files are data, never code, and never big enough to exhaust the machine."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bulletin.errors import ConfigError

MAX_PARAMS_BYTES = 1_000_000  # a district file with years of notes is ~100 KB; more is a mistake or an attack
MAX_ALIASES = 50  # YAML aliases (*name): a few save typing; thousands nested are a "billion laughs" bomb

# Line numbers (1-based) of the keys and list entries of a params file, by their path from the top:
# ("notes", "2024-06", "problems") or ("categories", 0, "items", 2, "cap").
Lines = dict[tuple, int]


class _TooManyAliases(yaml.YAMLError):
    def __init__(self, mark):
        self.problem_mark = mark


class _Loader(yaml.SafeLoader):
    """The safe loader, counting aliases while it composes (before any object is built)."""

    def __init__(self, stream):
        super().__init__(stream)
        self.aliases = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                raise _TooManyAliases(self.peek_event().start_mark)
        return super().compose_node(parent, index)


def load_yaml(path: Path):
    """The parsed content of a YAML file (safe loader); ConfigError naming the file and line if malformed."""
    return load_yaml_lines(path)[0]


def load_yaml_lines(path: Path) -> tuple[Any, Lines]:
    """The parsed content of a YAML file and the line of each key in it; ConfigError naming the file and line
    if it is malformed, too big, or uses too many aliases."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_PARAMS_BYTES:
            raise ConfigError(f"参数文件 {path} 过大({size}字节),上限为{MAX_PARAMS_BYTES}字节。请检查是否误放了其他文件。")
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"找不到参数文件 {path}。") from None
    except IsADirectoryError:
        raise ConfigError(f"参数文件 {path} 是文件夹,不是文件。") from None
    except UnicodeDecodeError:
        raise ConfigError(f"参数文件 {path} 不是 UTF-8 编码的文本。") from None
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except _TooManyAliases as exc:
        raise ConfigError(f"参数文件 {path} {_line(exc)}使用了过多的 YAML 别名(*引用),上限为{MAX_ALIASES}个。"
                          "请直接写出取值。") from None
    except yaml.constructor.ConstructorError as exc:  # e.g. !!python/object/apply: safe loading refuses it
        raise ConfigError(f"参数文件 {path} {_line(exc)}含有不允许的 YAML 标签(如 !!python/...):参数文件只能写文字、数字、"
                          "日期、列表和映射,不会执行任何代码。") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"参数文件 {path} {_line(exc)}格式错误:{getattr(exc, 'problem', exc)}。") from None
    except (ValueError, TypeError, OverflowError):  # a date-looking value that is no date (2027-02-30), a list as key
        raise ConfigError(f"参数文件 {path} 中有无效的值,例如不存在的日期(如 2027-02-30)。请检查日期等写法。") from None
    finally:
        loader.dispose()
    lines: Lines = {}
    if node is not None:
        _collect_lines(node, (), lines)
    return data, lines


def _line(exc: Exception) -> str:
    mark = getattr(exc, "problem_mark", None)
    return f"第{mark.line + 1}行" if mark is not None else ""


def _collect_lines(node: yaml.Node, where: tuple, lines: Lines, depth: int = 0) -> None:
    if depth > 50:  # aliases are limited, so this only stops absurdly deep nesting
        return
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else None
            lines.setdefault(where + (name,), key.start_mark.line + 1)
            _collect_lines(value, where + (name,), lines, depth + 1)
    elif isinstance(node, yaml.SequenceNode):
        for i, value in enumerate(node.value):
            lines.setdefault(where + (i,), value.start_mark.line + 1)
            _collect_lines(value, where + (i,), lines, depth + 1)
