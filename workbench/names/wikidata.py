"""People from a Wikidata entity dump, as knowledge-base records, read as a stream.

Wikidata's JSON dump is one JSON array with one entity per line (each line but the last ends
with a comma); JSON lines (one entity per line, no array) read the same way, and so do .gz and
.bz2 files of either. An entity is a person when its "instance of" claims (P31) include human
(Q5). Its English label is the canonical spelling (the German one when it has none), its German
label and aliases are the German spellings, its English aliases the variants, and its English
description the role. The dump is read line by line, so a dump of any size never sits in memory.
"""

from __future__ import annotations

import bz2
import gzip
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from workbench.errors import InputError
from workbench.names.kb import NameRecord

# Aliases that are no spelling of a name: "Merkel (politician)", "Putin, Vladimir", "Q7747".
_NOT_A_NAME = re.compile(r"[\d(),;/@]")
_FIX = "Pass Wikidata's JSON dump (one entity per line, .json, .gz or .bz2) or JSON lines."


class Dump:
    """The people of one dump file; iterate for records, then read how much was read."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.entities = 0
        self.humans = 0

    def __iter__(self) -> Iterator[NameRecord]:
        name = str(self.path)
        if not self.path.is_file():
            raise InputError(f"{name} does not exist (or is not a file). {_FIX}")
        try:
            with _open(self.path) as fh:
                for n, line in enumerate(fh, 1):
                    entity = _entity(line, name, n)
                    if entity is None:
                        continue
                    self.entities += 1
                    if not _is_human(entity):
                        continue
                    record = _record(entity)
                    if record is not None:
                        self.humans += 1
                        yield record
        except (OSError, EOFError, UnicodeDecodeError) as err:
            what = {".gz": "a gzip", ".bz2": "a bzip2"}.get(self.path.suffix.lower(), "a UTF-8 text")
            raise InputError(f"{name} cannot be read as {what} file ({err}). {_FIX}") from None


def _open(path: Path) -> IO[str]:
    suffix = path.suffix.lower()
    if suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8")
    if suffix == ".bz2":
        return bz2.open(path, "rt", encoding="utf-8")
    return path.open(encoding="utf-8")


def _entity(line: str, name: str, n: int) -> dict[str, Any] | None:
    text = line.strip().lstrip("\ufeff")
    if text.endswith(","):
        text = text[:-1]
    if text in ("", "[", "]"):
        return None
    try:
        entity = json.loads(text)
    except json.JSONDecodeError as err:
        raise InputError(f"{name} line {n}: not a Wikidata entity ({err.msg}). {_FIX}") from None
    if not isinstance(entity, dict):
        raise InputError(f"{name} line {n}: a JSON {type(entity).__name__}, not an entity object. {_FIX}")
    return entity


def _is_human(entity: dict[str, Any]) -> bool:
    claims = entity.get("claims")
    statements = claims.get("P31", []) if isinstance(claims, dict) else []
    for statement in statements if isinstance(statements, list) else []:
        try:
            value = statement["mainsnak"]["datavalue"]["value"]
        except (KeyError, TypeError):
            continue
        if isinstance(value, dict) and (value.get("id") == "Q5" or value.get("numeric-id") == 5):
            return True
    return False


def _texts(entity: dict[str, Any], field: str, lang: str) -> list[str]:
    """The label (one) or aliases (a list) of an entity in a language, as plain strings."""
    found = entity.get(field)
    value = found.get(lang) if isinstance(found, dict) else None
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        text = item.get("value") if isinstance(item, dict) else None
        if isinstance(text, str) and text.strip() and not _NOT_A_NAME.search(text):
            out.append(" ".join(text.split()))
    return out


def _record(entity: dict[str, Any]) -> NameRecord | None:
    english = _texts(entity, "labels", "en")
    german = _texts(entity, "labels", "de") + _texts(entity, "aliases", "de")
    english_aliases = _texts(entity, "aliases", "en")
    canonical = (english or german or english_aliases or [""])[0]
    if not canonical:
        return None
    variants = [v for v in dict.fromkeys(english_aliases) if v != canonical]
    # A spelling English uses too is right in both languages: a variant, not a German form.
    german_forms = [g for g in dict.fromkeys(german) if g != canonical and g not in variants]
    descriptions = entity.get("descriptions")
    described = descriptions.get("en") if isinstance(descriptions, dict) else None
    role = described.get("value") if isinstance(described, dict) else None
    return NameRecord(
        canonical=canonical,
        german="|".join(german_forms),
        variants=tuple(variants),
        role=" ".join(role.split()) if isinstance(role, str) else "",
    )
