"""click's own words in Vietnamese: help layout, metavars, usage errors.

click writes "Usage:", "Options", "Error: Missing option '-o'"… in English (its gettext catalog
has no Vietnamese, and a catalog would depend on the user's locale). tdkt users read Vietnamese
only, so the root group of the CLI (`ViGroup`) localises the whole command tree when it runs:

- every command's context gets `ViContext`, whose help formatter writes Vietnamese headings,
  the Vietnamese usage prefix and Vietnamese texts for click's built-in options and "[default: …]";
- parameters without a metavar get a Vietnamese one (TỆP, THƯ_MỤC, SỐ…);
- click's exceptions are re-raised as `ViError`, rendered in Vietnamese. A message that no rule
  below recognises keeps click's English after a Vietnamese sentence, for support.

The tree is walked at `main()`, so commands that other modules add later (decorators or
`add_command`, plain click classes) are covered without their cooperation.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import IO, Any

import click
from click.exceptions import NoArgsIsHelpError

from addin.domain import labels as L

USAGE_PREFIX = "Cách dùng: "
ERROR_PREFIX = L.ERROR_PREFIX

SECTIONS = {
    "Options": "Tùy chọn",
    "Commands": "Lệnh",
    "Positional arguments": "Tham số",
    "Arguments": "Tham số",
}

# Help texts of click's built-in options.
OPTION_HELP = {
    "Show this message and exit.": "Hiện hướng dẫn này rồi thoát.",
    "Show the version and exit.": "Hiện phiên bản rồi thoát.",
    "Confirm the action without prompting.": "Xác nhận, không hỏi lại.",
}

# Items inside the "[…]" that click appends to an option's help.
_EXTRA_ITEMS: tuple[tuple[str, str], ...] = (
    ("default: ", "mặc định: "),
    ("env var: ", "biến môi trường: "),
)
_EXTRA_WORDS = {"required": "bắt buộc", "(dynamic)": "(tính lúc chạy)"}

OPTIONS_METAVAR = "[TÙY_CHỌN]"
SUBCOMMAND_METAVAR = "LỆNH [THAM_SỐ]..."
OPTIONAL_SUBCOMMAND_METAVAR = "[LỆNH] [THAM_SỐ]..."

# Arguments and options the user sees by name: a Vietnamese placeholder for each.
NAMED_METAVARS = {
    "paths": "ĐƯỜNG_DẪN",
    "path": "ĐƯỜNG_DẪN",
    "folder": "THƯ_MỤC_CỤM",
    "root": "THƯ_MỤC_GỐC",
    "date": "NGÀY",
    "year": "NĂM",
    "year_from": "NĂM",
    "year_to": "NĂM",
}


def type_metavar(param_type: click.ParamType[Any]) -> str | None:
    """The Vietnamese placeholder of a click type, or None to keep click's own (choices…)."""
    if isinstance(param_type, click.Path):
        if param_type.file_okay and not param_type.dir_okay:
            return "TỆP"
        if param_type.dir_okay and not param_type.file_okay:
            return "THƯ_MỤC"
        return "ĐƯỜNG_DẪN"
    if isinstance(param_type, click.File):
        return "TỆP"
    if isinstance(param_type, (click.types.IntParamType, click.types.FloatParamType)):
        return "SỐ"
    if isinstance(param_type, click.types.BoolParamType):
        return "0|1"
    if isinstance(param_type, click.types.StringParamType):
        return "VĂN_BẢN"
    return None


def _param_metavar(param: click.Parameter) -> str | None:
    name = NAMED_METAVARS.get(param.name or "")
    by_type = type_metavar(param.type)
    if isinstance(param, click.Argument):
        base = name or by_type or (param.name or "").upper()
        if not param.required:
            base = f"[{base}]"
    elif by_type is None:
        return None  # choices, dates…: click shows the accepted values themselves
    else:
        base = name or by_type
    return base + ("..." if param.nargs != 1 else "")


def localize(command: click.Command) -> None:
    """Give the whole tree under `command` Vietnamese contexts and placeholders (idempotent)."""
    if command.context_class is click.Context:
        command.context_class = ViContext
    if command.options_metavar == "[OPTIONS]":
        command.options_metavar = OPTIONS_METAVAR
    for param in command.params:
        if param.metavar is None and not (isinstance(param, click.Option) and param.is_flag):
            param.metavar = _param_metavar(param)
    if isinstance(command, click.Group):
        if command.subcommand_metavar == "COMMAND [ARGS]...":
            command.subcommand_metavar = SUBCOMMAND_METAVAR
        elif command.subcommand_metavar == "[COMMAND] [ARGS]...":
            command.subcommand_metavar = OPTIONAL_SUBCOMMAND_METAVAR
        for sub in command.commands.values():
            localize(sub)


_RANGES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(\S+)<=x<=(\S+)"), r"từ \1 đến \2"),
    (re.compile(r"x>=(\S+)"), r"từ \1 trở lên"),
    (re.compile(r"x<=(\S+)"), r"tối đa \1"),
    (re.compile(r"x>(\S+)"), r"lớn hơn \1"),
    (re.compile(r"x<(\S+)"), r"nhỏ hơn \1"),
)


def range_vi(text: str) -> str:
    """click's range notation ("x>=1", "1<=x<=9") in words: "từ 1 trở lên", "từ 1 đến 9"."""
    for pattern, words in _RANGES:
        if pattern.fullmatch(text):
            return pattern.sub(words, text)
    return text


def _translate_help(text: str) -> str:
    """Vietnamese for click's built-in option help and its "[default: …; required]" suffix."""
    text = OPTION_HELP.get(text, text)
    match = re.search(r"\[([^\[\]]*)\]$", text)
    if not match:
        return text
    items = []
    for item in match.group(1).split("; "):
        for english, vietnamese in _EXTRA_ITEMS:
            if item.startswith(english):
                item = vietnamese + item[len(english):]
        items.append(range_vi(_EXTRA_WORDS.get(item, item)))
    return f"{text[:match.start()]}[{'; '.join(items)}]"


class ViHelpFormatter(click.HelpFormatter):
    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, USAGE_PREFIX if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        super().write_heading(SECTIONS.get(heading, heading))

    def write_dl(self, rows: Iterable[tuple[str, str]], col_max: int = 30,
                 col_spacing: int = 2) -> None:
        super().write_dl([(term, _translate_help(text)) for term, text in rows],
                         col_max, col_spacing)


class ViContext(click.Context):
    formatter_class = ViHelpFormatter


# --- errors -----------------------------------------------------------------------------------

_KIND = {"File": "Tệp", "Directory": "Thư mục", "Path": "Đường dẫn"}
_Rule = tuple[re.Pattern[str], Callable[[re.Match[str]], str]]


def _rule(pattern: str, render: Callable[[re.Match[str]], str]) -> _Rule:
    return re.compile(pattern, re.DOTALL), render


# click's English messages (types.py, parser.py, core.py) → Vietnamese.
MESSAGE_RULES: tuple[_Rule, ...] = (
    _rule(r"(File|Directory|Path) (.+) does not exist\.",
          lambda m: f"{_KIND[m[1]]} {m[2]} không tồn tại."),
    _rule(r"(File|Directory|Path) (.+) is a file\.",
          lambda m: f"{m[2]} là một tệp, cần một thư mục."),
    _rule(r"(File|Directory|Path) (.+) is a directory\.",
          lambda m: f"{m[2]} là một thư mục, cần một tệp."),
    _rule(r"(File|Directory|Path) (.+) is not readable\.",
          lambda m: f"Không có quyền đọc {m[2]}."),
    _rule(r"(File|Directory|Path) (.+) is not writable\.",
          lambda m: f"Không có quyền ghi {m[2]}."),
    _rule(r"(File|Directory|Path) (.+) is not executable\.",
          lambda m: f"Không có quyền chạy {m[2]}."),
    _rule(r"(.+) is not a valid (?:integer|integer range)\.",
          lambda m: f"{m[1]} không phải một số nguyên."),
    _rule(r"(.+) is not a valid (?:float|float range)\.", lambda m: f"{m[1]} không phải một số."),
    _rule(r"(.+) is not a valid boolean\.", lambda m: f"{m[1]} không phải 0 hoặc 1."),
    _rule(r"(.+) is not a valid UUID\.", lambda m: f"{m[1]} không phải một mã UUID."),
    _rule(r"(.+) is not in the range (.+)\.",
          lambda m: f"{m[1]} nằm ngoài khoảng cho phép ({range_vi(m[2])})."),
    _rule(r"(.+) is not one of (.+)\.", lambda m: f"{m[1]} không phải một trong: {m[2]}."),
    _rule(r"(.+) is not (.+)\.", lambda m: f"{m[1]} không phải {m[2]}."),
    _rule(r"(.+) does not match the formats? (.+)\.",
          lambda m: f"{m[1]} không đúng định dạng {m[2]}."),
    _rule(r"Option (.+) does not take a value\.",
          lambda m: f"Tùy chọn {m[1]} không nhận giá trị."),
    _rule(r"Option (.+) requires an argument\.",
          lambda m: f"Tùy chọn {m[1]} cần một giá trị đi kèm."),
    _rule(r"Option (.+) requires (\d+) arguments\.",
          lambda m: f"Tùy chọn {m[1]} cần {m[2]} giá trị đi kèm."),
    _rule(r"Argument (.+) takes (\d+) values\.",
          lambda m: f"Tham số {m[1]} cần {m[2]} giá trị."),
    _rule(r"Takes (\d+) values but (\d+) (?:was|were) given\.",
          lambda m: f"Cần {m[1]} giá trị, nhận được {m[2]}."),
    _rule(r"Got unexpected extra arguments? \((.*)\)",
          lambda m: f"Thừa tham số không dùng đến: {m[1]}."),
    _rule(r"Missing command\.", lambda m: "Thiếu tên lệnh."),
    _rule(r"No such command (.+)\.", lambda m: f"Không có lệnh {m[1]}."),
    _rule(r"No such option:? (.+?)\.?", lambda m: f"Không có tùy chọn {m[1]}."),
    _rule(r"Value must be an iterable\.", lambda m: "Giá trị phải là một danh sách."),
    _rule(r"Choose from:\s*(.*)",
          lambda m: "Chọn một trong: " + ", ".join(c.strip() for c in m[1].split(",")) + "."),
    _rule(r"Could not open file (.+): (.+)", lambda m: f"Không mở được tệp {m[1]} ({m[2]})."),
)


def _is_vietnamese(text: str) -> bool:
    # Messages tdkt raises itself are Vietnamese; click's are plain ASCII apart from paths.
    return any(ord(ch) > 127 for ch in text)


def translate_message(text: str) -> str:
    """Vietnamese for one of click's messages; unknown English keeps its words after ours."""
    for pattern, render in MESSAGE_RULES:
        match = pattern.fullmatch(text.strip())
        if match:
            return render(match)
    if not text or _is_vietnamese(text):
        return text
    return f"Lệnh gọi không hợp lệ (chi tiết: {text})"


def _possibilities(names: Sequence[str] | None) -> str:
    if not names:
        return ""
    quoted = ", ".join(repr(n) for n in sorted(names))
    return f" Có phải ý là {quoted}?" if len(names) == 1 else f" Có thể là một trong: {quoted}."


def _hint(param: click.Parameter | None, hint: Any, ctx: click.Context | None) -> str:
    if hint is not None and not isinstance(hint, str):
        return " / ".join(repr(h) for h in hint)
    if hint is None and param is not None:
        hint = param.get_error_hint(ctx)
    return str(hint or "")


def describe(exc: click.ClickException) -> str:
    """The Vietnamese sentence for a click exception (without the "Lỗi: " prefix)."""
    if isinstance(exc, click.MissingParameter):
        hint = _hint(exc.param, exc.param_hint, exc.ctx)
        kind = exc.param_type or (exc.param.param_type_name if exc.param else "parameter")
        what = {"option": "tùy chọn", "argument": "tham số"}.get(kind, "tham số")
        text = f"Thiếu {what} {hint}".rstrip() + "."
        extra = exc.message
        if exc.param is not None:
            missing = exc.param.type.get_missing_message(param=exc.param, ctx=exc.ctx)
            extra = f"{extra}. {missing}" if extra and missing else (extra or missing or "")
        return f"{text} {translate_message(extra)}" if extra else text
    if isinstance(exc, click.BadParameter):
        hint = _hint(exc.param, exc.param_hint, exc.ctx)
        inner = translate_message(exc.message)
        return f"Giá trị không hợp lệ cho {hint}: {inner}" if hint else \
            f"Giá trị không hợp lệ: {inner}"
    if isinstance(exc, click.NoSuchOption):
        return f"Không có tùy chọn {exc.option_name!r}.{_possibilities(exc.possibilities)}"
    if isinstance(exc, click.exceptions.NoSuchCommand):
        return f"Không có lệnh {exc.command_name!r}.{_possibilities(exc.possibilities)}"
    if isinstance(exc, click.FileError):
        return f"Không mở được tệp {exc.ui_filename!r} ({exc.message})."
    if not type(exc).__module__.startswith("click"):
        return exc.format_message()  # tdkt's own (e.g. cli.UsageProblem): already Vietnamese
    return translate_message(exc.format_message())


class ViError(click.ClickException):
    """A click exception already rendered in Vietnamese (exit code 1)."""

    def __init__(self, message: str, ctx: click.Context | None = None,
                 with_usage: bool = False) -> None:
        super().__init__(message)
        self.ctx = ctx
        self.with_usage = with_usage

    def show(self, file: IO[Any] | None = None) -> None:
        if self.with_usage and self.ctx is not None:
            ctx = self.ctx
            formatter = ViHelpFormatter(width=ctx.terminal_width, max_width=ctx.max_content_width)
            ctx.command.format_usage(ctx, formatter)
            click.echo(formatter.getvalue().rstrip("\n"), file=file, err=file is None)
            names = ctx.command.get_help_option_names(ctx)
            if names and ctx.command.add_help_option:
                click.echo(f"Xem hướng dẫn: {ctx.command_path} {max(names, key=len)}\n",
                           file=file, err=file is None)
        click.echo(f"{ERROR_PREFIX}{self.message}", file=file, err=file is None)


class ViUsageError(ViError):
    """As ViError, for usage problems (exit code 2, as click's own)."""

    exit_code = 2


def vietnamese(exc: click.ClickException) -> click.ClickException:
    if isinstance(exc, (ViError, NoArgsIsHelpError)):
        return exc  # already Vietnamese (NoArgsIsHelpError carries the localised help text)
    ctx = exc.ctx if isinstance(exc, click.UsageError) else None
    cls = ViUsageError if exc.exit_code == 2 else ViError
    return cls(describe(exc), ctx, with_usage=isinstance(exc, click.UsageError))


class ViGroup(click.Group):
    """The root group: Vietnamese help and errors for itself and every command under it."""

    context_class = ViContext

    def main(self, *args: Any, **kwargs: Any) -> Any:
        localize(self)
        return super().main(*args, **kwargs)

    def make_context(self, info_name: str | None, args: list[str],
                     parent: click.Context | None = None, **extra: Any) -> click.Context:
        with _in_vietnamese():
            return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx: click.Context) -> Any:
        from addin.cli_errors import at_the_edge  # tdkt's own failures, unexpected ones: logged

        with _in_vietnamese(), at_the_edge():
            return super().invoke(ctx)


class _Interrupted(ViError):
    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"\n{self.message}", file=file, err=file is None)


@contextmanager
def _in_vietnamese() -> Iterator[None]:
    """Re-raise click's exceptions (and Ctrl+C) as Vietnamese ones."""
    try:
        yield
    except click.ClickException as exc:
        translated = vietnamese(exc)
        if translated is exc:
            raise
        raise translated from exc
    except (click.Abort, KeyboardInterrupt, EOFError) as exc:
        raise _Interrupted("Đã dừng theo yêu cầu, chưa làm xong.") from exc


def walk(command: click.Command, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Every command path under `command` (for tests and docs)."""
    yield path
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            yield from walk(sub, (*path, name))
