"""Opening what a user names only when it is a regular file, and showing any path as text.

A FIFO or a device given as a workbook or rules file would block or read without end, so the
kind of file is checked before it is opened (and again on the open descriptor, in case it was
swapped in between). File names that are not valid UTF-8 (bytes such as 0xFF, common on USB
sticks written by old Windows PCs) reach Python as lone surrogates; they are shown with the
replacement character "�" and the real path is kept for reading.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

_OPEN_FLAGS = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
               | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0))
_CHUNK = 1 << 20


class RefusedFile(OSError):
    """Not a regular file, or too large; the message (Vietnamese) says which."""


def _kind(mode: int) -> str | None:
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "là một thư mục, không phải tệp"
    return "không phải tệp thông thường (FIFO, thiết bị hoặc socket): không mở"


def read_regular(path: str | Path, limit: int) -> bytes:
    """The bytes of a regular file of at most `limit` bytes. Raises RefusedFile for anything
    else (checked before opening), OSError when it cannot be read."""
    refused = _kind(os.stat(path).st_mode)
    if refused:
        raise RefusedFile(refused)
    fd = os.open(path, _OPEN_FLAGS)
    try:
        info = os.fstat(fd)
        refused = _kind(info.st_mode)
        if refused:
            raise RefusedFile(refused)
        if info.st_size > limit:
            raise RefusedFile(f"tệp quá lớn ({info.st_size // 2**20} MB)")
        parts: list[bytes] = []
        size = 0
        while chunk := os.read(fd, min(_CHUNK, limit + 1 - size)):
            parts.append(chunk)
            size += len(chunk)
            if size > limit:  # grew while being read
                raise RefusedFile(f"tệp quá lớn (hơn {limit // 2**20} MB)")
        return b"".join(parts)
    finally:
        os.close(fd)


def shown(text: str | Path) -> str:
    """A path as a user should see it: undecodable bytes become "�", never an error later."""
    text = str(text)
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:  # a surrogate that was not an undecodable byte
        return "".join("\ufffd" if "\ud800" <= ch <= "\udfff" else ch for ch in text)


_ERRNO_TEXT = {
    "ENOENT": "không tìm thấy tệp hoặc thư mục",
    "EACCES": "không có quyền truy cập",
    "EPERM": "không được phép thực hiện",
    "EISDIR": "là một thư mục, không phải tệp",
    "ENOTDIR": "đường dẫn không phải thư mục",
    "ENOSPC": "ổ đĩa đã đầy",
    "EDQUOT": "vượt hạn mức dung lượng của ổ đĩa",
    "EROFS": "ổ đĩa chỉ cho phép đọc",
    "EIO": "lỗi đọc/ghi của thiết bị",
    "ENAMETOOLONG": "tên tệp quá dài",
    "ELOOP": "liên kết tượng trưng vòng lặp",
    "EMFILE": "mở quá nhiều tệp cùng lúc",
    "EBUSY": "tệp đang bị chương trình khác sử dụng",
    "ETXTBSY": "tệp đang bị chương trình khác sử dụng",
    "EEXIST": "tệp đã tồn tại",
    "EFBIG": "tệp vượt giới hạn dung lượng cho phép",
}


def describe(exc: OSError) -> str:
    """An operating-system error in Vietnamese (the system's own text is English)."""
    if isinstance(exc, RefusedFile):
        return str(exc)
    import errno

    name = errno.errorcode.get(exc.errno or 0, "")
    text = _ERRNO_TEXT.get(name)
    if text:
        return text
    return f"lỗi hệ thống {name or exc.errno or type(exc).__name__}"
