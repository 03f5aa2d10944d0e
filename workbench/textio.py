"""Reading the user's text files safely, writing output files atomically, and showing
stored text on a terminal.

Every way an input can be unusable (missing, a directory, unreadable, empty, too large,
binary) becomes an InputError that names the file, the problem and the fix. Text that is not
UTF-8 but reads as Windows-1252/Latin-1 (common for older German files) is decoded with a
warning rather than refused, so umlauts come out right.
"""

from __future__ import annotations

import codecs
import errno
import json
import os
import re
import secrets
import stat
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from workbench import tempfiles
from workbench.errors import InputError

MAX_BYTES = 5 * 1024 * 1024
_CHUNK_BYTES = 64 * 1024

# Signatures of binary formats people mistake for text files, so the message can say what it is.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (a .docx, .odt or .epub file is one too)"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office document (.doc)"),
    (b"\x7fELF", "an executable program"),
    (b"SQLite format 3\x00", "an SQLite database"),
)
# C0 controls other than \t \n \v \f \r, and DEL: rare in text, common in binary data.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_MAX_CONTROL_SHARE = 0.05
# Latin-1 German has a few non-ASCII letters among many ASCII ones; Cyrillic or Greek text
# read as Windows-1252 is almost all non-ASCII letters. Above this share, refuse instead of guessing.
_MAX_NON_ASCII_LETTER_SHARE = 0.3
_FIX_SAVE_AS_UTF8 = "Save it as UTF-8 plain text (.txt) and try again."
# ä ö ü ß Ä Ö Ü in UTF-8. Read as Windows-1252 they are "Ã" and a symbol, which German text
# never has, so in a file that is not valid UTF-8 they mean a mix of encodings.
_UTF8_UMLAUT = re.compile(rb"\xc3[\xa4\xb6\xbc\x9f\x84\x96\x9c]")


@dataclass(frozen=True)
class TextFile:
    name: str  # the path as the user gave it, or "<stdin>"
    text: str  # decoded, BOM stripped, CRLF/CR normalised to \n (unless decoded with keep_controls)
    encoding: str  # "utf-8", "utf-8-sig", "utf-16", "cp1252"
    warnings: tuple[str, ...] = ()

    @property
    def lines(self) -> list[str]:
        """The text's lines; a trailing newline ends the last line, it does not start an empty one."""
        lines = self.text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        return lines


def _size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} bytes"


def _too_large(name: str, size: int | None, max_bytes: int) -> InputError:
    # size None: a stream read only up to the limit, so its size is not known.
    how_large = "larger than" if size is None else f"{_size(size)}, larger than"
    return InputError(
        f"{name} is {how_large} the {_size(max_bytes)} limit. "
        "Split it into smaller files (e.g. one article per file) and translate those."
    )


def read_text(path: str | Path, *, max_bytes: int = MAX_BYTES, keep_controls: bool = False) -> TextFile:
    """Read and decode a user's text file, or raise InputError saying what is wrong and what to do.

    ``keep_controls``: see decode.
    """
    name = os.fspath(path)
    if not name:  # Path("") would be the current folder
        raise InputError("an empty file name was given. Give the path of a text file.")
    file = Path(path)
    try:
        info = file.stat()
    except FileNotFoundError:
        raise InputError(f"{name} does not exist. Check the path and the file name.") from None
    except OSError as err:
        raise InputError(f"{name} cannot be read: {err.strerror}. Check the path.") from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(f"{name} is a directory, not a text file. Give the text files inside it instead.")
    if not stat.S_ISREG(info.st_mode):
        raise InputError(f"{name} is not a regular file. Give a plain-text file.")
    if info.st_size > max_bytes:
        raise _too_large(name, info.st_size, max_bytes)
    try:
        with file.open("rb") as handle:
            # One byte over the limit is enough to tell that a file grew past it since stat().
            data = handle.read(max_bytes + 1)
    except PermissionError:
        raise InputError(
            f"{name} cannot be read: permission denied. Check its permissions (e.g. chmod u+r {name})."
        ) from None
    except OSError as err:
        raise InputError(f"{name} cannot be read: {err.strerror}.") from None
    return decode(data, name, max_bytes=max_bytes, keep_controls=keep_controls)


def read_stream(stream: BinaryIO, name: str, *, max_bytes: int = MAX_BYTES) -> TextFile:
    """Read and decode a pipe (stdin), refusing it as soon as it passes ``max_bytes``: what
    comes after the limit is never read, so a huge input costs no memory."""
    chunks: list[bytes] = []
    size = 0
    while size <= max_bytes:
        chunk = stream.read(min(_CHUNK_BYTES, max_bytes + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    if size > max_bytes:
        raise _too_large(name, None, max_bytes)
    return decode(b"".join(chunks), name, max_bytes=max_bytes)


def decode(data: bytes, name: str, *, max_bytes: int = MAX_BYTES, keep_controls: bool = False) -> TextFile:
    """Decode bytes from a file, stdin or an upload; raise InputError for anything that is not text.

    ``keep_controls`` is for CSV and XML files: their parsers handle line ends themselves
    and their values may hold control characters (a glossary export of an entry holding
    some), so line ends are left as they are and many control characters do not make the
    file binary.
    """
    if len(data) > max_bytes:
        raise _too_large(name, len(data), max_bytes)
    if not data:
        raise InputError(f"{name} is empty: there is no text in it. Check that you gave the right file.")
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            raise InputError(
                f"{name} looks like {kind}, not a text file. "
                "Copy the article text into a UTF-8 plain-text file (.txt) and give that instead."
            )
    text, encoding, warnings = _decode_text(data, name)
    if not keep_controls:
        _refuse_binary(text, name)
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError(
            f"{name} contains only whitespace: there is no text in it. Check that you gave the right file."
        )
    return TextFile(name, text, encoding, tuple(warnings))


def _decode_text(data: bytes, name: str) -> tuple[str, str, list[str]]:
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[len(codecs.BOM_UTF8) :], "utf-8", name), "utf-8-sig", []
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16", name), "utf-16", []
    if b"\x00" in data:
        raise InputError(_nul_message(data, name))
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError as err:
        bad_line = data.count(b"\n", 0, err.start) + 1
    if _UTF8_UMLAUT.search(data):
        # Read as Windows-1252, the UTF-8 part would come out garbled ("tÃ¤glich") and be
        # translated so: refuse rather than guess per line.
        raise InputError(
            f"{name} mixes UTF-8 with another encoding (line {bad_line} is not UTF-8), so part of "
            f"it would come out garbled. {_FIX_SAVE_AS_UTF8}"
        )
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise InputError(
            f"{name} is neither UTF-8 nor Windows-1252/Latin-1 text (it may be binary). {_FIX_SAVE_AS_UTF8}"
        ) from None
    letters = [ch for ch in text if ch.isalpha()]
    non_ascii = sum(1 for ch in letters if not ch.isascii())
    if letters and non_ascii / len(letters) > _MAX_NON_ASCII_LETTER_SHARE:
        raise InputError(
            f"{name} is not UTF-8 and does not look like Windows-1252/Latin-1 German text either "
            f"(unknown encoding). {_FIX_SAVE_AS_UTF8}"
        )
    warning = (
        f"{name} is not UTF-8; decoded as Windows-1252 (Latin-1). "
        "Check that umlauts look right, or save the file as UTF-8."
    )
    return text, "cp1252", [warning]


def _strict(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as err:
        raise InputError(
            f"{name} starts with a {encoding.upper()} byte-order mark but is not valid {encoding.upper()} "
            f"(bad byte at position {err.start}). {_FIX_SAVE_AS_UTF8}"
        ) from None


def _nul_message(data: bytes, name: str) -> str:
    # UTF-16 without a byte-order mark has a NUL in every other byte of ASCII text.
    sample = data[:4096]
    if sample[1::2].count(0) > len(sample) // 4 or sample[0::2].count(0) > len(sample) // 4:
        return f"{name} looks like UTF-16 text without a byte-order mark. {_FIX_SAVE_AS_UTF8}"
    return (
        f"{name} contains NUL bytes, so it is a binary file, not text. "
        "Give a plain-text file (.txt) with the article text."
    )


def _refuse_binary(text: str, name: str) -> None:
    controls = len(_CONTROL.findall(text))
    if controls and (controls / len(text) > _MAX_CONTROL_SHARE or "\x00" in text):
        raise InputError(
            f"{name} is mostly control characters, so it is a binary file, not text. "
            "Give a plain-text file (.txt) with the article text."
        )


def write_atomic(path: str | Path, data: str | bytes) -> None:
    """Write data (str as UTF-8) so that path holds either the old content or all of the new.

    The temp file sits in the same directory (os.replace is atomic only within one file
    system), named to fit the file system's name limit, and is removed if anything fails,
    Ctrl-C included; one left by a killed earlier write of the same file is removed first
    (see tempfiles). Missing parent directories are created.
    """
    target = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    directory = target.parent
    try:
        directory.mkdir(parents=True, exist_ok=True)
        name_max = _name_max(directory)
        if len(os.fsencode(target.name)) > name_max:
            raise InputError(
                f"cannot write {os.fspath(path)}: its name is {len(os.fsencode(target.name))} bytes long, "
                f"more than the {name_max} this file system allows. Use a shorter file name."
            )
        prefix = _temp_prefix(target.name, name_max)
        tempfiles.remove_stale(directory, re.compile(re.escape(prefix) + _TEMP_TAIL))
        temp, fd = _create_temp(directory, prefix)
    except OSError as err:
        raise _write_error(path, err, "Choose an output directory you can write to.") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            tempfiles.lock(handle.fileno())
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
            # Renamed while still locked, so no cleanup ever sees a finished temp unlocked.
            os.replace(temp, target)
    except BaseException as err:
        temp.unlink(missing_ok=True)
        if isinstance(err, OSError):
            raise _write_error(
                path, err, "Check free disk space and permissions, or choose another output directory."
            ) from err
        raise
    _fsync_directory(directory)


# ".NAME." + 8 hex digits + ".tmp"
_TEMP_TAIL = r"[0-9a-f]{8}\.tmp"
_TEMP_EXTRA_BYTES = len("..") + 8 + len(".tmp")


def _name_max(directory: Path) -> int:
    try:
        return os.pathconf(directory, "PC_NAME_MAX")
    except (OSError, ValueError):  # no such setting here: the common limit
        return 255


def _temp_prefix(name: str, name_max: int) -> str:
    """ ".NAME." with NAME shortened so that the temp name fits the file system's limit
    (a 247-character output name would otherwise fail on its 261-character temp name)."""
    while len(os.fsencode(name)) + _TEMP_EXTRA_BYTES > name_max:
        name = name[:-1]
    return f".{name}."


def _write_error(path: str | Path, err: OSError, advice: str) -> InputError:
    if err.errno == errno.ENAMETOOLONG:
        advice = "The path is too long for this file system: use a shorter file or folder name."
    return InputError(f"cannot write {os.fspath(path)}: {err.strerror}. {advice}")


def _create_temp(directory: Path, prefix: str) -> tuple[Path, int]:
    # os.open with mode 0o666 lets the umask decide permissions, as for any new file
    # (mkstemp would leave the output readable only by its owner).
    while True:
        temp = directory / f"{prefix}{secrets.token_hex(4)}.tmp"
        try:
            return temp, os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue


def _fsync_directory(directory: Path) -> None:
    # Makes the rename itself durable on POSIX; some platforms cannot open a directory.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# -- text on a terminal ---------------------------------------------------------------------------

# Controls (C0, DEL, C1: ESC and CSI start terminal commands), format characters (bidi
# overrides reorder what follows, zero-width ones hide), line and paragraph separators.
_UNPRINTABLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def _unprintable(ch: str) -> bool:
    return unicodedata.category(ch) in _UNPRINTABLE_CATEGORIES


_SHORT_ESCAPES = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(ch: str) -> str:
    if ch in _SHORT_ESCAPES:
        return _SHORT_ESCAPES[ch]
    code = ord(ch)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def for_terminal(text: str) -> str:
    """``text`` with every control or invisible formatting character shown as a Python-style
    escape (ESC as \\x1b, a line break as \\n), so stored text prints as one inert line.

    Backslashes are left alone: the output is for reading, not for parsing back.
    """
    # str.isprintable (C speed) is false for every character _unprintable is true for.
    if text.isprintable() or all(not _unprintable(ch) for ch in text):
        return text
    return "".join(_escape(ch) if _unprintable(ch) else ch for ch in text)


def _json_escape(ch: str) -> str:
    code = ord(ch)
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000  # JSON writes a character beyond the BMP as a UTF-16 surrogate pair
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def terminal_json(value: Any) -> str:
    """``value`` as indented JSON that decodes to the same value, with the characters
    ``for_terminal`` escapes written as \\u escapes. json.dumps escapes C0 controls itself
    but leaves DEL, C1 and format characters raw; those can only occur inside strings, where
    the escape means the same (the newlines of the indentation are JSON's own)."""
    text = json.dumps(value, ensure_ascii=False, indent=2)
    if all(line.isprintable() for line in text.split("\n")):
        return text  # json.dumps wrote every line break inside a string as \n
    return "".join(_json_escape(ch) if ord(ch) >= 0x7F and _unprintable(ch) else ch for ch in text)
