"""Safe YAML reading: params files are data, never code."""

from __future__ import annotations

from pathlib import Path

import yaml

from bulletin.errors import ConfigError


def load_yaml(path: Path):
    """The parsed content of a YAML file (safe loader); ConfigError naming the file and line if malformed."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"找不到参数文件 {path}。") from None
    except UnicodeDecodeError:
        raise ConfigError(f"参数文件 {path} 不是 UTF-8 编码的文本。") from None
    try:
        return yaml.safe_load(text)
    except yaml.constructor.ConstructorError as exc:  # e.g. !!python/object/apply: safe loading refuses it
        mark = exc.problem_mark
        where = f"第{mark.line + 1}行" if mark is not None else ""
        raise ConfigError(f"参数文件 {path} {where}含有不允许的 YAML 标签(如 !!python/...):参数文件只能写文字、数字、"
                          "日期、列表和映射,不会执行任何代码。") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第{mark.line + 1}行" if mark is not None else ""
        raise ConfigError(f"参数文件 {path} {where}格式错误:{getattr(exc, 'problem', exc)}。") from None
    except ValueError:  # e.g. a date-looking value that is no date (2027-13-01, 2027-02-30)
        raise ConfigError(f"参数文件 {path} 中有无效的值,例如不存在的日期(如 2027-02-30)。请检查日期等写法。") from None
