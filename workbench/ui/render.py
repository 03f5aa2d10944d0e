"""HTML for the review screen, with every piece of user text escaped.

Sources, translations, flags and reasons come from articles and reviewers, so they are
untrusted: nothing here puts a character of them into HTML without ``html.escape``. The
functions are pure (no Streamlit) so the escaping can be tested on its own.
"""

from __future__ import annotations

import difflib
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass

# Reviewers read these all day: calm colours, flags that stand out without shouting.
CSS = """
<style>
[data-testid="stMainBlockContainer"] { padding-top: 2.2rem; }
[data-testid="stMainBlockContainer"] h1 { font-size: 1.9rem; padding-top: 0; }
.wb-rows { width: 100%; border-collapse: collapse; font-size: 0.95rem; line-height: 1.5; }
.wb-rows th { text-align: left; font-weight: 600; color: #555; border-bottom: 2px solid #d0d4da;
  padding: 6px 8px; position: sticky; top: 0; background: #fafbfc; }
.wb-rows td { vertical-align: top; padding: 6px 8px; border-bottom: 1px solid #eceef1; }
.wb-rows td.wb-num { width: 3.2em; color: #888; font-variant-numeric: tabular-nums; text-align: right; }
.wb-rows td.wb-src, .wb-rows td.wb-mt, .wb-rows td.wb-ref { width: 31%; }
.wb-rows td.wb-ref { color: #1d5b2c; }
.wb-rows td.wb-sys { width: 14em; color: #555; }
.wb-rows td.wb-ref.wb-draft { color: #7a5a00; }
.wb-rows tr.wb-para td { border-top: 2px solid #c9ced6; }
.wb-rows tr.wb-boiler td { color: #9aa0a6; font-style: italic; }
.wb-rows tr.wb-current td { background: #eef4ff; }
.wb-rows tr.wb-current td.wb-num { border-left: 4px solid #3d6fd8; }
.wb-badge { display: inline-block; font-size: 0.75rem; padding: 0 6px; border-radius: 8px;
  margin-right: 4px; white-space: nowrap; }
.wb-badge.approved { background: #dff3e4; color: #1d5b2c; }
.wb-badge.draft { background: #fff3cd; color: #7a5a00; }
.wb-badge.flagged { background: #fde2e1; color: #9b1c1c; }
.wb-badge.boiler { background: #eceef1; color: #666; }
mark.wb-flag { background: #ffd6d3; color: inherit; border-bottom: 2px solid #d93025;
  padding: 0 2px; border-radius: 2px; cursor: help; }
mark.wb-flag.wb-term { background: #ffe8c2; border-bottom-color: #e37400; }
mark.wb-flag.wb-accepted { background: #d9f2df; border-bottom-color: #188038; }
mark.wb-flag.wb-suggested { background: #fff4c2; border-bottom: 2px dashed #b58100; }
.wb-pair { display: flex; gap: 16px; }
.wb-pair > div { flex: 1; padding: 10px 12px; border: 1px solid #e3e6ea; border-radius: 6px;
  background: #fff; font-size: 1.05rem; line-height: 1.6; }
.wb-pair .wb-label { display: block; font-size: 0.75rem; text-transform: uppercase; letter-spacing: .04em;
  color: #888; margin-bottom: 4px; }
.wb-pair .wb-boiler { color: #9aa0a6; font-style: italic; }
.wb-muted { color: #999; font-style: italic; }
.wb-quote { border-left: 3px solid #c9ced6; padding: 6px 10px; background: #fafbfc; white-space: pre-wrap; }
.wb-diff { line-height: 1.6; white-space: pre-wrap; }
.wb-diff del.wb-del { background: #fde2e1; color: #9b1c1c; }
.wb-diff ins.wb-ins { background: #dff3e4; color: #1d5b2c; text-decoration: underline; }
.wb-step { margin-bottom: 8px; }
.wb-step .wb-label, .wb-side .wb-label { display: block; font-size: 0.75rem; text-transform: uppercase;
  letter-spacing: .04em; color: #888; margin-bottom: 4px; }
.wb-picker .wb-text { white-space: pre-wrap; cursor: text; }
</style>
"""


@dataclass(frozen=True)
class Mark:
    """A span of text to highlight, with the hover text that says why."""

    start: int
    end: int
    title: str
    css: str = ""  # extra class: "wb-term", "wb-accepted", "wb-suggested"


def esc(text: str) -> str:
    return html.escape(text, quote=True)


_MARKDOWN_SPECIAL = re.compile(r"([!-/:-@\[-`{-~])")


def md(text: str) -> str:
    """User text inside our own (safe-mode) markdown: st.markdown, st.success, st.toast.

    Every ASCII punctuation character is backslash-escaped (CommonMark allows that for all
    of them), so the text shows exactly as typed: no formatting, links, HTML or
    Streamlit directives such as :material/...: or :red[...].
    """
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def locate(text: str, start: int, end: int, expected: str) -> tuple[int, int] | None:
    """Where a flagged span is in text now.

    The stored offsets win when they still hold the flagged text; after a retranslation
    or an edit the first occurrence of the text is used; None if it is gone.
    """
    if 0 <= start < end <= len(text) and text[start:end] == expected:
        return start, end
    if expected:
        found = text.find(expected)
        if found >= 0:
            return found, found + len(expected)
    return None


def highlight(text: str, marks: Sequence[Mark]) -> str:
    """text as HTML with each mark wrapped in <mark title=reason>; overlapping marks keep the first."""
    out: list[str] = []
    pos = 0
    for mark in sorted(marks, key=lambda m: (m.start, -m.end)):
        start, end = max(mark.start, 0), min(mark.end, len(text))
        if start < pos or start >= end:
            continue
        css = f"wb-flag {mark.css}".strip()
        out.append(esc(text[pos:start]))
        out.append(f'<mark class="{esc(css)}" title="{esc(mark.title)}">{esc(text[start:end])}</mark>')
        pos = end
    out.append(esc(text[pos:]))
    return "".join(out)


@dataclass(frozen=True)
class Row:
    """One sentence of the overview table, already located and marked by the caller."""

    number: int  # 1-based position in the document
    paragraph: int
    source: str
    mt: str | None
    reference: str | None
    reference_status: str | None  # "draft" | "approved" | None
    source_marks: tuple[Mark, ...] = ()
    mt_marks: tuple[Mark, ...] = ()
    boilerplate: bool = False
    flagged: bool = False
    current: bool = False


def _badges(row: Row) -> str:
    badges = []
    if row.boilerplate:
        badges.append('<span class="wb-badge boiler">boilerplate</span>')
    if row.flagged:
        badges.append('<span class="wb-badge flagged">flagged</span>')
    if row.reference_status == "approved":
        badges.append('<span class="wb-badge approved">approved</span>')
    elif row.reference_status == "draft":
        badges.append('<span class="wb-badge draft">draft</span>')
    return "".join(badges)


def rows_table(rows: Sequence[Row]) -> str:
    """The side-by-side overview: number, German source, MT with flags, post-edit."""
    head = (
        '<table class="wb-rows"><thead><tr><th>#</th><th>German source</th>'
        "<th>Machine translation</th><th>Post-edit</th></tr></thead><tbody>"
    )
    body: list[str] = []
    previous_paragraph: int | None = None
    for row in rows:
        classes = []
        if previous_paragraph is not None and row.paragraph != previous_paragraph:
            classes.append("wb-para")  # a visible rule where a new paragraph starts
        if row.boilerplate:
            classes.append("wb-boiler")
        if row.current:
            classes.append("wb-current")
        previous_paragraph = row.paragraph
        mt = (
            highlight(row.mt, row.mt_marks)
            if row.mt is not None
            else '<span class="wb-muted">not translated</span>'
        )
        ref_class = "wb-ref" + (" wb-draft" if row.reference_status == "draft" else "")
        ref = f"<br>{esc(row.reference)}" if row.reference else ""
        body.append(
            f'<tr class="{" ".join(classes)}" id="seg-{row.number}">'
            f'<td class="wb-num">{row.number}</td>'
            f'<td class="wb-src">{highlight(row.source, row.source_marks)}</td>'
            f'<td class="wb-mt">{mt}</td>'
            f'<td class="{ref_class}">{_badges(row)}{ref}</td></tr>'
        )
    return head + "".join(body) + "</tbody></table>"


def pair(source_html: str, mt_html: str, *, boilerplate: bool = False) -> str:
    """The focused sentence: source and MT side by side (both already escaped/highlighted)."""
    cls = ' class="wb-boiler"' if boilerplate else ""
    return (
        '<div class="wb-pair">'
        f'<div><span class="wb-label">German source</span><span{cls}>{source_html}</span></div>'
        f'<div><span class="wb-label">Machine translation</span><span{cls}>{mt_html}</span></div>'
        "</div>"
    )


def quote(text: str) -> str:
    """A reviewer's or a colleague's text as a block, escaped."""
    return f'<div class="wb-quote">{esc(text)}</div>'


_WORDS = re.compile(r"\s+|[^\s\w]|\w+")


def word_diff(before: str, after: str) -> str:
    """``before`` -> ``after`` word by word: removed words struck through, added ones underlined."""
    old, new = _WORDS.findall(before), _WORDS.findall(after)
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if op in ("replace", "delete"):
            out.append(f'<del class="wb-del">{esc("".join(old[i1:i2]))}</del>')
        if op in ("replace", "insert"):
            out.append(f'<ins class="wb-ins">{esc("".join(new[j1:j2]))}</ins>')
        if op == "equal":
            out.append(esc("".join(old[i1:i2])))
    return f'<div class="wb-diff">{"".join(out)}</div>'


def changes(raw: str, mt: str, post_edit: str | None) -> str:
    """The sentence's way from the model to the reviewer: raw MT -> MT with the glossary
    applied -> post-edit, each step as a word diff (or "no change")."""
    steps = [("Glossary applied to the raw MT", raw, mt)]
    if post_edit is not None:
        steps.append(("Post-edit of the MT", mt, post_edit))
    parts = []
    for label, before, after in steps:
        body = word_diff(before, after) if before != after else '<div class="wb-muted">no change</div>'
        parts.append(f'<div class="wb-step"><span class="wb-label">{esc(label)}</span>{body}</div>')
    return "".join(parts)


def systems_table(translations: Sequence[tuple[str, str]], shown: str) -> str:
    """Every system's MT of one sentence side by side (system, text), the one shown marked."""
    rows = "".join(
        f'<tr class="{"wb-current" if name == shown else ""}"><td class="wb-sys">{esc(name)}</td>'
        f"<td>{esc(text)}</td></tr>"
        for name, text in translations
    )
    head = "<thead><tr><th>System</th><th>Machine translation</th></tr></thead>"
    return f'<table class="wb-rows">{head}<tbody>{rows}</tbody></table>'
