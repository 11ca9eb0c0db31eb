"""The bulletins' wording: Jinja2 templates, sandboxed, that analysts may override per district and kind.

Where a template is looked up (first found wins; `<name>` is e.g. `overview`, `<kind>` is monthly,
quarterly, half_year or annual):

1. `params/wording/<district>/<kind>/<name>.j2`   one district, one kind
2. `params/wording/<district>/<name>.j2`          one district, every kind
3. `params/wording/<kind>/<name>.j2`              every district, one kind
4. `params/wording/<name>.j2`                     every district, every kind
5. the package's default, `bulletin/document/templates/wording/<name>.j2`

A template reads the figures of the bulletin by name (`{{ cases.received|count }}`) plus the few
names the calling sentence passes (`scope`, `period_word`, ...), and formats them with the filters of
`bulletin.document.display` (`FILTERS`). It runs in Jinja's immutable sandbox with autoescape and
`StrictUndefined`: no attribute walks to Python internals, no `import`/`include`/`extends`/`from`, no
file access; an unknown name is an error that names it.

How the output becomes text: a paragraph is a run of non-blank lines; each line is stripped and the
lines are joined without a space (Chinese text), so a long sentence may be wrapped over several lines;
a blank line starts a new paragraph. Block tags (`{% if %}` ...) on lines of their own leave no line.
The result is plain text (autoescaping is undone once at the end): each renderer escapes it itself.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

import jinja2
from jinja2 import nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from markupsafe import Markup

from bulletin.config import KIND_LABELS
from bulletin.document.display import FILTERS
from bulletin.errors import BulletinError

PACKAGE_DIR = Path(__file__).parent / "templates" / "wording"
SUFFIX = ".j2"
FORBIDDEN_TAGS: dict[type, str] = {
    nodes.Import: "import", nodes.FromImport: "from ... import", nodes.Include: "include", nodes.Extends: "extends",
}


class WordingError(BulletinError):
    """A wording template (or a notebook paragraph) is malformed, names an unknown figure or tries something forbidden."""

    def __init__(self, message: str, *, template: str = "", line: int | None = None):
        super().__init__(message)
        self.template = template
        self.line = line


def _check_name(name: str) -> None:
    """Refuse template names that could leave the lookup chain (absolute paths, `..`, backslashes)."""
    parts = name.replace("\\", "/").split("/")
    if not name or name.startswith(("/", "\\")) or "\\" in name or ":" in name or any(p in ("", ".", "..") for p in parts):
        raise WordingError(f"措辞模板名称“{name}”不允许:只能是模板目录内的相对名称(不含绝对路径或“..”)", template=name)


class ChainLoader(jinja2.BaseLoader):
    """Finds `<name>.j2` in the override folders, then in the package; never outside them."""

    def __init__(self, folders: list[Path]):
        self.folders = folders

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        _check_name(template)
        file = template if template.endswith(SUFFIX) else template + SUFFIX
        for folder in self.folders:
            path = folder / file
            if path.is_file():
                mtime = path.stat().st_mtime_ns
                try:
                    source = path.read_text(encoding="utf-8")
                except UnicodeDecodeError:
                    raise WordingError(f"措辞模板 {path} 不是 UTF-8 编码的文本,请以 UTF-8 保存", template=str(path)) from None
                return source, str(path), lambda: path.is_file() and path.stat().st_mtime_ns == mtime
        raise jinja2.TemplateNotFound(template)


class _SharedBytecode(jinja2.BytecodeCache):
    """Compiled templates shared by every environment of the process (keyed by file and source checksum), so a
    kernel forked from a warm zygote (see `warm`) compiles only the overrides."""

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self.store.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


_BYTECODE = _SharedBytecode()
_CHECKED: set[tuple[str, int]] = set()  # (file, hash of source) already checked for forbidden tags


MAX_REPEAT = 10_000  # longest string or list a template may build with * (a typo must not fill the memory)
MAX_POWER = 100


class _Sandbox(ImmutableSandboxedEnvironment):
    """The immutable sandbox, with * and ** bounded so a template cannot build a huge value."""

    intercepted_binops = frozenset(["*", "**"])

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**":
            if isinstance(right, (int, float)) and abs(right) > MAX_POWER:
                raise SecurityError(f"乘方的指数 {right} 过大")
            return left ** right
        for seq, times in ((left, right), (right, left)):
            if isinstance(seq, (str, list, tuple)) and isinstance(times, int) and len(seq) * times > MAX_REPEAT:
                raise SecurityError(f"重复生成的文字或列表过长(超过{MAX_REPEAT})")
        return left * right


def _environment(loader: jinja2.BaseLoader | None) -> ImmutableSandboxedEnvironment:
    env = _Sandbox(
        loader=loader, autoescape=True, undefined=jinja2.StrictUndefined, bytecode_cache=_BYTECODE,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=False, auto_reload=True,
    )
    env.filters.update(FILTERS)
    env.globals.clear()  # no range/dict/lipsum/cycler/joiner/namespace: templates read figures, nothing else
    return env


def override_folders(params_dir: str | Path | None, district: str | None, kind: str | None) -> list[Path]:
    """The folders searched for a template, most specific first, ending with the package's defaults."""
    folders: list[Path] = []
    if params_dir is not None:
        root = Path(params_dir) / "wording"
        if district and kind:
            folders.append(root / district / kind)
        if district:
            folders.append(root / district)
        if kind:
            folders.append(root / kind)
        folders.append(root)
    return folders + [PACKAGE_DIR]


def override_files(params_dir: str | Path, district: str) -> list[Path]:
    """Every override file that may apply to one district's bulletins (for the batch's change detection)."""
    root = Path(params_dir) / "wording"
    if not root.is_dir():
        return []
    found = [p for p in root.glob(f"*{SUFFIX}")]
    for sub in root.iterdir():
        if sub.is_dir() and (sub.name == district or sub.name in KIND_LABELS):
            found += list(sub.rglob(f"*{SUFFIX}"))
    return sorted(p for p in found if p.is_file())


def _line_of(exc: BaseException, filename: str) -> int | None:
    """The template line an exception was raised at (Jinja maps template frames to the template file)."""
    line = getattr(exc, "lineno", None)
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _problem(exc: BaseException) -> str:
    """What is wrong, in Chinese."""
    if isinstance(exc, SecurityError):
        return f"模板试图使用不允许的写法(只能读取数字和调用过滤器):{exc}"
    if isinstance(exc, jinja2.UndefinedError):
        text = str(exc)
        if "is undefined" in text:
            return f"未知的名称:{text.split(' is undefined')[0]}(数据中没有这个数字;检查拼写,或该表在本期是否存在)"
        if "has no attribute" in text:
            return f"未知的名称:{text}(数据中没有这个数字)"
        return f"未知的名称:{text}"
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return f"模板语法错误:{exc.message}"
    if isinstance(exc, jinja2.TemplateNotFound):
        return f"找不到模板 {exc.name}"
    if isinstance(exc, (TypeError, ValueError, ZeroDivisionError, KeyError, IndexError, AttributeError)):
        return f"模板计算出错:{type(exc).__name__}: {exc}"
    return f"{type(exc).__name__}: {exc}"


def _wrap(exc: BaseException, filename: str) -> WordingError:
    line = _line_of(exc, filename)
    where = f"{filename} 第{line}行" if line else filename
    return WordingError(f"措辞模板 {where}:{_problem(exc)}", template=filename, line=line)


def _check_tags(env: jinja2.Environment, source: str, name: str, filename: str) -> None:
    """Parse once and refuse import / include / extends / from: a template stands alone."""
    if (filename, hash(source)) in _CHECKED:
        return
    try:
        tree = env.parse(source, name, filename)
    except jinja2.TemplateSyntaxError as exc:
        raise _wrap(exc, filename) from None
    for node_type, tag in FORBIDDEN_TAGS.items():
        for node in tree.find_all(node_type):
            raise WordingError(f"措辞模板 {filename} 第{node.lineno}行:不允许使用 {{% {tag} %}},每个模板只能独立成文",
                               template=filename, line=node.lineno)
    _CHECKED.add((filename, hash(source)))


def to_text(rendered: str) -> str:
    """Rendered (escaped) template output as plain text: autoescaping undone once, no markup left."""
    return Markup(rendered).unescape()


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs of a template's text: runs of non-blank lines, each line stripped, joined without spaces."""
    out, current = [], []
    for line in text.splitlines():
        line = line.strip()
        if line:
            current.append(line)
        elif current:
            out.append("".join(current))
            current = []
    if current:
        out.append("".join(current))
    return out


class Wording:
    """The wording of one district's bulletins: templates looked up through the override chain.

    `Wording()` alone uses only the package's defaults."""

    def __init__(self, params_dir: str | Path | None = None, district: str | None = None, kind: str | None = None):
        self.params_dir = Path(params_dir) if params_dir is not None else None
        self.district = district
        self.kind = kind
        self._envs: dict[str | None, ImmutableSandboxedEnvironment] = {}

    def environment(self, kind: str | None = None) -> ImmutableSandboxedEnvironment:
        """The sandbox for one kind's lookup chain."""
        kind = kind or self.kind
        if kind not in self._envs:
            self._envs[kind] = _environment(ChainLoader(override_folders(self.params_dir, self.district, kind)))
        return self._envs[kind]

    def source_of(self, name: str, kind: str | None = None) -> str:
        """The file a template name resolves to (for messages and the preview's watch list)."""
        _check_name(name)
        env = self.environment(kind)
        try:
            return env.loader.get_source(env, name)[1]
        except jinja2.TemplateNotFound:
            raise WordingError(f"找不到措辞模板 {name}{SUFFIX}(已查找:"
                               + "、".join(str(p) for p in env.loader.folders) + ")", template=name) from None

    def render_template(self, name: str, figures: dict[str, Any], **context: Any) -> str:
        """The plain text a named template writes for these figures (and the extra names in `context`)."""
        kind = self.kind or figures.get("kind")
        env = self.environment(kind)
        _check_name(name)
        try:
            source, filename, _ = env.loader.get_source(env, name)
        except jinja2.TemplateNotFound:
            self.source_of(name, kind)
            raise
        _check_tags(env, source, name, filename)
        try:
            template = env.get_template(name)
            return to_text(template.render({**figures, **context}))
        except WordingError:
            raise
        except Exception as exc:  # every failure inside a template becomes one Chinese message
            raise _wrap(exc, filename) from None

    def render_text(self, source: str, figures: dict[str, Any], *, name: str = "<文本>", **context: Any) -> str:
        """The plain text a template given as a string (a notebook Markdown cell) writes for these figures."""
        return render_text(source, figures, name=name, **context)

    def paragraphs(self, name: str, figures: dict[str, Any], **context: Any) -> list[str]:
        """The paragraphs a named template writes (see the module docstring for the rule)."""
        return split_paragraphs(self.render_template(name, figures, **context))


@lru_cache(maxsize=1)
def _string_env() -> ImmutableSandboxedEnvironment:
    return _environment(None)


def render_text(source: str, figures: dict[str, Any], *, name: str = "<文本>", **context: Any) -> str:
    """The plain text a template source (e.g. a notebook Markdown cell) writes for these figures; `name` is
    how messages call it."""
    env = _string_env()
    _check_tags(env, source, name, name)
    try:
        template = env.template_class.from_code(env, env.compile(source, name, name), env.make_globals(None), None)
    except jinja2.TemplateSyntaxError as exc:
        raise _wrap(exc, name) from None
    try:
        return to_text(template.render({**figures, **context}))
    except Exception as exc:
        raise _wrap(exc, name) from None


DEFAULT = Wording()


def warm() -> None:
    """Check and compile every package template once (the kernel zygote calls this before forking kernels)."""
    env = DEFAULT.environment()
    for path in sorted(PACKAGE_DIR.rglob(f"*{SUFFIX}")):  # regional/<name>.j2 too
        name = path.relative_to(PACKAGE_DIR).with_suffix("").as_posix()
        source = path.read_text(encoding="utf-8")
        _check_tags(env, source, name, str(path))
        env.get_template(name)


def render_template(name: str, figures: dict[str, Any], wording: Wording | None = None, **context: Any) -> str:
    """The plain text of a named template through `wording`'s chain (package defaults when None)."""
    return (wording or DEFAULT).render_template(name, figures, **context)

