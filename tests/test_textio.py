from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from workbench.errors import InputError
from workbench.textio import TextFile, decode, read_text, write_atomic

GERMAN = "Der Präsident sprach mit dem Außenminister über die Lage.\n"


def _write(path: Path, data: bytes) -> str:
    path.write_bytes(data)
    return str(path)


def test_utf8_file_reads_unchanged(tmp_path: Path) -> None:
    name = _write(tmp_path / "a.txt", GERMAN.encode("utf-8"))
    assert read_text(name) == TextFile(name, GERMAN, "utf-8", ())


def test_name_is_the_path_as_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a.txt").write_text(GERMAN, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert read_text("a.txt").name == "a.txt"
    assert read_text(Path("a.txt")).name == "a.txt"


def test_utf8_bom_is_stripped_silently(tmp_path: Path) -> None:
    name = _write(tmp_path / "bom.txt", b"\xef\xbb\xbf" + GERMAN.encode("utf-8"))
    got = read_text(name)
    assert got.text == GERMAN
    assert got.encoding == "utf-8-sig"
    assert got.warnings == ()


def test_crlf_and_lone_cr_become_newlines(tmp_path: Path) -> None:
    name = _write(tmp_path / "win.txt", b"Erste Zeile.\r\n\r\nZweite Zeile.\rDritte.\r\n")
    assert read_text(name).text == "Erste Zeile.\n\nZweite Zeile.\nDritte.\n"


def test_latin1_file_is_decoded_with_a_warning_naming_it(tmp_path: Path) -> None:
    name = _write(tmp_path / "latin1.txt", GERMAN.encode("latin-1"))
    got = read_text(name)
    assert got.text == GERMAN
    assert "Präsident" in got.text
    assert got.encoding == "cp1252"
    assert len(got.warnings) == 1
    assert got.warnings[0].startswith(f"{name} is not UTF-8; decoded as Windows-1252 (Latin-1)")


def test_windows1252_quotes_and_euro_come_out_right(tmp_path: Path) -> None:
    text = "„Das kostet 5 €“, sagte der Präsident.\n"
    got = read_text(_write(tmp_path / "cp1252.txt", text.encode("cp1252")))
    assert got.text == text


def test_utf16_with_bom_is_decoded(tmp_path: Path) -> None:
    got = read_text(_write(tmp_path / "u16.txt", GERMAN.encode("utf-16")))
    assert got.text == GERMAN
    assert got.encoding == "utf-16"


def test_utf16_without_bom_is_refused_with_the_fix(tmp_path: Path) -> None:
    name = _write(tmp_path / "u16le.txt", GERMAN.encode("utf-16-le"))
    with pytest.raises(InputError, match="UTF-16 text without a byte-order mark. Save it as UTF-8"):
        read_text(name)


def test_unknown_8bit_encoding_is_refused_not_garbled(tmp_path: Path) -> None:
    name = _write(tmp_path / "ru.txt", "Президент говорил с министром.\n".encode("cp1251"))
    with pytest.raises(InputError, match=rf"^{re.escape(str(name))} is not UTF-8 .*Save it as UTF-8"):
        read_text(name)


def test_missing_file(tmp_path: Path) -> None:
    name = str(tmp_path / "nope.txt")
    with pytest.raises(InputError, match=rf"^{re.escape(str(name))} does not exist. Check the path"):
        read_text(name)


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=rf"^{re.escape(str(tmp_path))} is a directory, not a text file"):
        read_text(tmp_path)


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "secret.txt"
    path.write_text(GERMAN, encoding="utf-8")
    path.chmod(0)
    if os.geteuid() == 0:
        # Permission bits do not stop root: have the OS call fail the way it does for other users.
        def refuse(self: Path, *args: object, **kwargs: object) -> None:
            raise PermissionError(13, "Permission denied", str(self))

        monkeypatch.setattr(Path, "open", refuse)
    with pytest.raises(
        InputError, match=rf"^{re.escape(str(path))} cannot be read: permission denied. Check its permissions"
    ):
        read_text(path)


@pytest.mark.parametrize("content", [b"", b"  \n\r\n\t \n"])
def test_empty_or_whitespace_only(tmp_path: Path, content: bytes) -> None:
    name = _write(tmp_path / "empty.txt", content)
    with pytest.raises(
        InputError,
        match=rf"^{re.escape(str(name))} (is empty|contains only whitespace): there is no text in it",
    ):
        read_text(name)


def test_ten_megabyte_file_is_refused_with_size_limit_and_fix(tmp_path: Path) -> None:
    line = GERMAN.encode("utf-8")
    name = _write(tmp_path / "big.txt", line * (10 * 1024 * 1024 // len(line) + 1))
    with pytest.raises(InputError) as err:
        read_text(name)
    assert str(err.value) == (
        f"{name} is 10.0 MB, larger than the 5.0 MB limit. "
        "Split it into smaller files (e.g. one article per file) and translate those."
    )


def test_limit_is_configurable_and_applies_to_decode(tmp_path: Path) -> None:
    name = _write(tmp_path / "a.txt", GERMAN.encode("utf-8"))
    with pytest.raises(InputError, match="larger than the"):
        read_text(name, max_bytes=10)
    with pytest.raises(InputError, match="^<stdin> is 11 bytes, larger than the 10 bytes limit. Split it"):
        decode(b"Hallo Welt!", "<stdin>", max_bytes=10)
    assert decode(b"Hallo Welt", "<stdin>", max_bytes=10).text == "Hallo Welt"


@pytest.mark.parametrize(
    ("header", "kind"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "a PNG image"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "a PDF document"),
        (b"PK\x03\x04\x14\x00\x06\x00", "a ZIP archive"),
    ],
)
def test_binary_formats_are_named(tmp_path: Path, header: bytes, kind: str) -> None:
    name = _write(tmp_path / "article.txt", header + bytes(range(256)) * 4)
    with pytest.raises(InputError, match=rf"^{re.escape(str(name))} looks like {kind}.*, not a text file"):
        read_text(name)


def test_nul_bytes_mean_binary(tmp_path: Path) -> None:
    name = _write(tmp_path / "blob.txt", b"abc\x00\x01\x02\xfe\xff" * 100)
    with pytest.raises(
        InputError, match=rf"^{re.escape(str(name))} contains NUL bytes, so it is a binary file"
    ):
        read_text(name)


def test_many_control_characters_mean_binary(tmp_path: Path) -> None:
    name = _write(tmp_path / "ctl.txt", b"Text\x01\x02\x03\x04\x1b\x7f mehr Text" * 50)
    with pytest.raises(InputError, match=rf"^{re.escape(str(name))} is mostly control characters"):
        read_text(name)


def test_a_stray_control_character_is_still_text(tmp_path: Path) -> None:
    text = GERMAN * 5 + "\x0c" + GERMAN * 5 + "\x1b"
    assert read_text(_write(tmp_path / "ff.txt", text.encode())).text == text


def test_decode_stdin_bytes() -> None:
    got = decode("Gestern regnete es.\r\n".encode("latin-1"), "<stdin>")
    assert got.name == "<stdin>"
    assert got.text == "Gestern regnete es.\n"
    assert got.encoding == "utf-8"
    with pytest.raises(InputError, match="^<stdin> is empty"):
        decode(b"", "<stdin>")


def test_write_atomic_writes_utf8_and_replaces(tmp_path: Path) -> None:
    target = tmp_path / "out" / "sub" / "a.en.txt"
    write_atomic(target, "Der Präsident.\n")
    assert target.read_bytes() == "Der Präsident.\n".encode()
    write_atomic(target, b"\x00bytes")
    assert target.read_bytes() == b"\x00bytes"
    assert sorted(p.name for p in target.parent.iterdir()) == ["a.en.txt"]


def test_write_atomic_file_permissions_follow_umask(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        write_atomic(tmp_path / "a.txt", "x")
    finally:
        os.umask(umask)
    assert (tmp_path / "a.txt").stat().st_mode & 0o777 == 0o644


@pytest.mark.parametrize("failure", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_write_atomic_failure_leaves_old_file_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: BaseException
) -> None:
    target = tmp_path / "a.en.txt"
    target.write_text("old\n", encoding="utf-8")
    seen: list[Path] = []

    def fail(src: str | Path, dst: str | Path) -> None:
        seen.append(Path(src))
        assert Path(src).read_text(encoding="utf-8") == "new\n"  # the temp was fully written
        raise failure

    monkeypatch.setattr(os, "replace", fail)
    expected = InputError if isinstance(failure, OSError) else KeyboardInterrupt
    with pytest.raises(expected) as err:
        write_atomic(target, "new\n")
    if expected is InputError:
        assert str(err.value).startswith(f"cannot write {target}: No space left on device.")
    assert seen and seen[0].parent == tmp_path
    assert target.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.en.txt"]


def test_write_atomic_into_unwritable_place_is_an_input_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match=rf"^cannot write {re.escape(str(blocker / 'a.txt'))}: "):
        write_atomic(blocker / "a.txt", "x")


def test_a_file_mixing_utf8_and_latin1_is_refused_not_half_garbled(tmp_path: Path) -> None:
    # Decoded as Windows-1252, the UTF-8 half came out as "tÃ¤glich" and was translated so.
    data = "Die Leitung wird täglich getestet.\n".encode() + GERMAN.encode("cp1252")
    name = _write(tmp_path / "mixed.txt", data)
    with pytest.raises(InputError, match=rf"^{re.escape(name)} mixes UTF-8 .*line 2.*Save it as UTF-8"):
        read_text(name)


def test_latin1_with_a_sharp_s_before_a_quote_is_still_latin1(tmp_path: Path) -> None:
    # "ß“" in Windows-1252 is the bytes DF 93, shaped like a UTF-8 character: not a sign of a mix.
    text = "„Das ist die Straße“, sagte der Präsident.\n"
    got = read_text(_write(tmp_path / "quote.txt", text.encode("cp1252")))
    assert got.text == text


def test_an_empty_file_name_is_named_as_such(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Path("") is the current folder: the message said " is a directory".
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError, match="empty file name"):
        read_text("")
