"""Reading files that users bring: encodings, byte-order marks, NUL bytes, folders (bottom layer).

Spreadsheet programs save "CSV UTF-8" with a byte-order mark, Windows editors may save
UTF-16, older files are Latin-1. :func:`read_user_text` detects each of these and returns
the text with the encoding it used; a file that is not text (NUL bytes) is refused with the
file name and line. :func:`files_in` lists the files of a folder, skipping sub-folders
whose names look like files (``tunes.abc/``).
"""
from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

from .validation import MACHINE

MAX_FILE_BYTES = 256 * 2**20     # one text file: 256 MiB is far more than any course data set

_BOMS = (  # longest first: the UTF-32 LE mark starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32 (byte-order mark)"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32 (byte-order mark)"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8 with a byte-order mark"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16 (byte-order mark)"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16 (byte-order mark)"),
)


@dataclass
class UserText:
    """A decoded file: ``text`` (newlines as ``\\n``), the ``encoding`` found, and a ``note`` when it was a guess."""

    text: str
    encoding: str
    note: str = ""


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _utf16_without_bom(data: bytes) -> str | None:
    """``"utf-16-le"``/``"utf-16-be"`` when every other byte is 0 (ASCII text saved as UTF-16 with no mark)."""
    if len(data) < 4 or len(data) % 2:
        return None
    even, odd = data[0::2], data[1::2]
    if odd.count(0) > 0.9 * len(odd) and even.count(0) == 0:
        return "utf-16-le"
    if even.count(0) > 0.9 * len(even) and odd.count(0) == 0:
        return "utf-16-be"
    return None


def check_file(name: str, path, *, suffixes=None) -> Path:
    """``path`` must name an existing file (not a folder), smaller than :data:`MAX_FILE_BYTES`."""
    if path is None or not isinstance(path, (str, Path)) or (isinstance(path, str) and not path.strip()):
        raise TypeError(f"argument {name!r}: expected a file path (a string or pathlib.Path), got "
                        f"{type(path).__name__} {path!r}")
    path = Path(path).expanduser()
    if not path.exists():
        raise FileNotFoundError(f"argument {name!r}: expected an existing file, got {str(path)!r} (no file there)")
    if not path.is_file():
        raise ValueError(f"argument {name!r}: expected a file, got the folder {str(path)!r}")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ValueError(f"argument {name!r}: expected a text file of at most {MAX_FILE_BYTES // 2**20} MiB "
                         f"(the limit on {MACHINE}), got {str(path)!r} of {size / 2**20:.0f} MiB")
    return path


def read_user_text(path, *, argument: str = "path") -> UserText:
    """Decode a user's text file: UTF-8 (with or without a byte-order mark), UTF-16/32 (with a
    mark, or UTF-16 ASCII text without one), else Latin-1 with a ``note`` naming the first line
    that is not UTF-8. A NUL byte in the text raises ``ValueError`` naming the file and line."""
    path = check_file(argument, path)
    data = path.read_bytes()
    encoding, note = None, ""
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            data, encoding, found = data[len(bom):], codec, label
            break
    else:
        encoding = _utf16_without_bom(data)
        found = "UTF-16 without a byte-order mark" if encoding else "UTF-8"
    if encoding is None:
        try:
            text = data.decode("utf-8")
            encoding = "utf-8"
        except UnicodeDecodeError as error:
            text = data.decode("latin-1")     # every byte is a Latin-1 character: nothing fails
            encoding, found = "latin-1", "Latin-1"
            note = (f"{path.name} line {_line_of(data, error.start)}: byte 0x{data[error.start]:02x} is not UTF-8; "
                    "read the file as Latin-1 (save it as UTF-8 if accents look wrong)")
    else:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as error:
            raise ValueError(f"argument {argument!r}: {path.name} starts like {found} but byte {error.start} is "
                             f"not valid {encoding}; expected a text file in one encoding") from None
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise ValueError(f"argument {argument!r}: {path.name} line {line}: expected text, got a NUL byte (\\x00) "
                         "(a binary file, or a file in an encoding other than UTF-8, UTF-16 or Latin-1?)")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return UserText(text, encoding, note)


def files_in(folder: Path, pattern: str) -> list[Path]:
    """Files under ``folder`` matching ``pattern`` (recursively), sorted; folders named like files are skipped."""
    return sorted(p for p in Path(folder).rglob(pattern) if p.is_file())
