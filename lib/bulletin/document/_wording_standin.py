"""Stand-in for `bulletin.document.wording.render_text` until the wording engine lands (same contract).

Only `bulletin.document.prose.render` imports this, and only when `bulletin.document.wording` is missing:
delete this file once the engine is merged. Jinja's immutable sandbox, StrictUndefined, autoescape, no loader
(so no include/import/extends), and the display filters of `bulletin.document.display`.
"""

from __future__ import annotations

import traceback
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from markupsafe import Markup

from bulletin.document import display
from bulletin.errors import BulletinError


class WordingError(BulletinError):
    """A sentence template could not be rendered: the message names the template, its line and what is wrong."""


def _environment() -> ImmutableSandboxedEnvironment:
    env = ImmutableSandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=True, loader=None)
    env.filters.update({
        "count": display.count,  # {{ cases.received|count }} -> 13724件, as the wording engine's filter
        "pct": display.pct,
        "num": display.num,
        "score": display.score,
        "change": display.change_phrase,
        "names": display.join_names,
    })
    return env


_ENV = _environment()


def _line(exc: BaseException, name: str) -> int | None:
    """The template line an error was raised at (Jinja rewrites tracebacks to the template's lines)."""
    line = getattr(exc, "lineno", None)
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == name:
            line = frame.lineno
    return line


def render_text(source: str, figures: dict[str, Any], *, name: str) -> str:
    """The template's text with the figures filled in, as plain text (each renderer escapes it for its format)."""
    try:
        code = _ENV.compile(source, name=name, filename=name)  # the name, not a path: it labels error lines
        template = _ENV.template_class.from_code(_ENV, code, _ENV.make_globals(None), None)
        result = template.render(**figures)
    except jinja2.TemplateSyntaxError as exc:
        raise WordingError(f"{name} 第{exc.lineno}行:模板语法错误:{exc.message}") from None
    except SecurityError as exc:
        raise WordingError(f"{name} 第{_line(exc, name) or '?'}行:不允许的写法(只能读取数字和调用过滤器):{exc}") from None
    except jinja2.UndefinedError as exc:
        raise WordingError(f"{name} 第{_line(exc, name) or '?'}行:未知的数据项({exc.message})") from None
    except jinja2.TemplateError as exc:  # include/import/extends: there is no loader, nothing to read
        raise WordingError(f"{name} 第{_line(exc, name) or '?'}行:不允许引用其他模板或文件") from None
    except TypeError as exc:
        if "no loader" in str(exc):  # {% include %} / {% import %} / {% extends %}: nothing may be read
            raise WordingError(f"{name} 第{_line(exc, name) or '?'}行:不允许引用其他模板或文件") from None
        raise WordingError(f"{name} 第{_line(exc, name) or '?'}行:TypeError: {exc}") from None
    except (ValueError, ArithmeticError, AttributeError, KeyError) as exc:
        raise WordingError(f"{name} 第{_line(exc, name) or '?'}行:{type(exc).__name__}: {exc}") from None
    return Markup(result).unescape()
