"""The review page's custom components (Streamlit components v2: plain JS in the page).

- **review_keys**: the page's keyboard. Ctrl+S, Ctrl+Enter and Alt+Up/Down send one action
  *with the post-edit text exactly as typed*, so no shortcut acts on text from before the
  last keystrokes. Ctrl+Enter approves only from the post-edit box; in the flag form it
  presses Flag; elsewhere it is the field's own. It is mounted once at the top of the page:
  while a sentence's editor is replaced by the next one's, a key press still has a listener.
- **post_editor**: the post-edit text box. It shows whether there are unsaved changes, keeps
  typed text in the browser's storage until it is saved (a reload or a crash loses nothing),
  follows the database while untouched, and takes the focus when reached by keyboard.
- **span_picker**: the source and MT side by side with annotated spans highlighted; a span
  selected with the mouse is reported as (side, start, end, text), offsets in Python's code
  points (the browser counts UTF-16 units).

Both escape every piece of text they show: only ``textContent`` is ever set from data.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import streamlit as st

_EDITOR_JS = r"""
export default function(component) {
  const { data, setStateValue, setTriggerValue, parentElement } = component;
  let root = parentElement.querySelector(".wb-editor");
  if (!root) {
    root = document.createElement("div");
    root.className = "wb-editor";
    const label = document.createElement("label");
    label.className = "wb-editor-label";
    label.textContent = "Post-edited English";
    const box = document.createElement("textarea");
    box.setAttribute("aria-label", "Post-edited English");
    box.rows = 4;
    label.htmlFor = box.id = "wb-editor-" + data.segment;
    const status = document.createElement("div");
    status.className = "wb-editor-status";
    status.setAttribute("aria-live", "polite");
    root.append(label, box, status);
    parentElement.appendChild(root);
    box.value = data.base;
    box.dataset.base = data.base;
    box.dataset.segment = String(data.segment);
    box.dataset.version = JSON.stringify(data.version);
    try {  // text typed before a reload or crash, over the same saved version
      const kept = JSON.parse(localStorage.getItem(data.storage) || "null");
      if (kept && kept.base === data.base && kept.text !== data.base) box.value = kept.text;
    } catch (e) {}
    // Streamlit may redraw the editor (a new box for the same sentence) while someone types:
    // the new box takes the focus the old one had, so the next keys land in it, not nowhere.
    box.addEventListener("focus", () => { window.__wbEditorFocus = data.segment; });
    box.addEventListener("blur", () => setTimeout(() => {
      if (box.isConnected && document.activeElement !== box) window.__wbEditorFocus = null;
    }, 0));
    if (window.__wbEditorFocus === data.segment) {
      box.focus();
      box.setSelectionRange(box.value.length, box.value.length);
    }
  }
  const box = root.querySelector("textarea");
  const status = root.querySelector(".wb-editor-status");
  if (box.dataset.base !== data.base || box.dataset.seen !== JSON.stringify(data.version)) {
    // The database changed (a save, or a correction applied everywhere): an untouched box
    // follows it. Typed text stays, still based on the version it was typed over, so saving
    // it is checked against that version: another reviewer's save is never silently overwritten.
    if (box.value === box.dataset.base) box.value = data.base;
    box.dataset.base = data.base;
    if (box.value === data.base) box.dataset.version = JSON.stringify(data.version);
  }
  box.dataset.seen = JSON.stringify(data.version);
  const nonce = String(data.replace_nonce);
  if (data.replace !== null && data.replace !== undefined && box.dataset.replaced !== nonce) {
    box.value = data.replace;  // "take theirs" / "discard my text"
    box.dataset.version = JSON.stringify(data.version);
    box.dataset.replaced = nonce;
  }
  const refresh = () => {
    const dirty = box.value !== box.dataset.base;
    const stale = dirty && box.dataset.version !== box.dataset.seen;
    status.textContent = dirty
      ? "● Unsaved changes" + (stale ? " (someone saved a newer version meanwhile)" : "")
      : (data.saved_label || "");
    status.classList.toggle("wb-dirty", dirty);
    try {
      const kept = { base: box.dataset.base, text: box.value };
      if (dirty) localStorage.setItem(data.storage, JSON.stringify(kept));
      else localStorage.removeItem(data.storage);
    } catch (e) {}
  };
  refresh();
  box.oninput = refresh;
  box.onblur = () => setStateValue("text", { text: box.value, version: JSON.parse(box.dataset.version) });
  if (data.focus && box.dataset.focused !== String(data.segment)) {
    // Reached with the keyboard (approve & next, Alt+arrows): keep typing without the mouse.
    box.dataset.focused = String(data.segment);
    box.focus();
    box.setSelectionRange(box.value.length, box.value.length);
  }
}
"""

_KEYS_JS = r"""
export default function(component) {
  const { setTriggerValue } = component;
  const shortcut = (e) => {
    const mod = e.ctrlKey || e.metaKey;
    if (mod && !e.altKey && (e.key === "s" || e.key === "S")) return "save";
    if (mod && !e.altKey && e.key === "Enter") return "approve";
    if (e.altKey && !mod && e.key === "ArrowDown") return "next";
    if (e.altKey && !mod && e.key === "ArrowUp") return "prev";
    return null;
  };
  if (window.__wbKeys) window.removeEventListener("keydown", window.__wbKeys, true);
  window.__wbKeys = (e) => {
    const kind = shortcut(e);
    if (!kind) return;
    const target = e.target instanceof Element ? e.target : null;
    if (target && !target.isConnected) {
      // A box the page has already replaced (Approve & next moved on while the key was on its
      // way): its text is not the sentence on screen's. Act on nothing; the text is kept in
      // the browser's storage for its own sentence.
      e.preventDefault();
      e.stopImmediatePropagation();
      return;
    }
    const inEditor = target && target.closest(".st-key-editor");
    if (!inEditor) {
      const fields = ["INPUT", "TEXTAREA", "SELECT"];
      const typing = target && (target.isContentEditable || fields.includes(target.tagName));
      if (kind === "approve") {
        const form = target && target.closest("[class*='st-key-flag_form']");
        const flag = form && form.querySelector("[class*='st-key-flag_go'] button");
        if (flag) {  // Ctrl+Enter in the flag form flags: the field's text goes first (blur)
          e.preventDefault();
          e.stopImmediatePropagation();
          target.blur();
          flag.click();
        }
        return;
      }
      if (typing && kind !== "save") return;  // Alt+arrows in another field are that field's
    }
    e.preventDefault();
    e.stopImmediatePropagation();
    const box = document.querySelector(".st-key-editor textarea");
    const typed = box ? {
      text: box.value,
      version: JSON.parse(box.dataset.version || "null"),
      segment: Number(box.dataset.segment),
    } : null;
    setTriggerValue("action", { kind, typed, nonce: Date.now() + Math.random() });
  };
  window.addEventListener("keydown", window.__wbKeys, true);
  return () => {
    window.removeEventListener("keydown", window.__wbKeys, true);
    window.__wbKeys = null;
  };
}
"""

_EDITOR_CSS = """
.wb-editor-label { display: block; font-size: 0.875rem; margin-bottom: 0.25rem; }
.wb-editor textarea { width: 100%; box-sizing: border-box; min-height: 6.5rem; resize: vertical;
  font: inherit; font-size: 1rem; line-height: 1.5; padding: 0.5rem 0.75rem; border-radius: 0.5rem;
  border: 1px solid #d0d4da; background: #fff; color: inherit; }
.wb-editor textarea:focus { outline: 2px solid #3d6fd8; border-color: #3d6fd8; }
.wb-editor-status { min-height: 1.2rem; font-size: 0.8rem; color: #5f6368; margin-top: 0.2rem; }
.wb-editor-status.wb-dirty { color: #b06000; font-weight: 600; }
"""

_PICKER_JS = r"""
const cp = (s) => Array.from(s).length;  // UTF-16 units -> code points, as Python counts
export default function(component) {
  const { data, setStateValue, parentElement } = component;
  let root = parentElement.querySelector(".wb-picker");
  if (!root) {
    root = document.createElement("div");
    root.className = "wb-pair wb-picker";
    parentElement.appendChild(root);
  }
  root.replaceChildren();
  for (const side of data.sides) {
    const box = document.createElement("div");
    box.className = "wb-side" + (side.muted ? " wb-boiler" : "");
    const label = document.createElement("span");
    label.className = "wb-label";
    label.textContent = side.label;
    const text = document.createElement("div");
    text.className = "wb-text";
    text.dataset.side = side.name;
    let pos = 0;
    for (const mark of side.marks) {  // sorted, non-overlapping, code-point offsets
      const chars = Array.from(side.text);
      if (mark.start < pos) continue;
      text.append(chars.slice(pos, mark.start).join(""));
      const m = document.createElement("mark");
      m.className = "wb-flag " + mark.css;
      m.title = mark.title;
      m.textContent = chars.slice(mark.start, mark.end).join("");
      text.append(m);
      pos = mark.end;
    }
    text.append(Array.from(side.text).slice(pos).join(""));
    if (!side.text) { text.textContent = side.empty; text.classList.add("wb-muted"); }
    box.append(label, text);
    root.append(box);
  }
  root.onmouseup = () => {
    const sel = window.getSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return;
    const range = sel.getRangeAt(0);
    const holder = (node) => (node.nodeType === 1 ? node : node.parentElement).closest(".wb-text");
    const side = holder(range.startContainer);
    if (!side || side !== holder(range.endContainer) || side.classList.contains("wb-muted")) return;
    const before = document.createRange();
    before.setStart(side, 0);
    before.setEnd(range.startContainer, range.startOffset);
    let start = cp(before.toString());
    let picked = range.toString();
    const lead = picked.length - picked.trimStart().length;
    picked = picked.trim();
    if (!picked) return;
    start += cp(picked.length ? range.toString().slice(0, lead) : "");
    setStateValue("span", { side: side.dataset.side, start, end: start + cp(picked), text: picked });
  };
}
"""

_post_editor = st.components.v2.component(
    "workbench.post_editor", html="", css=_EDITOR_CSS, js=_EDITOR_JS, isolate_styles=False
)
_review_keys = st.components.v2.component("workbench.review_keys", html="", js=_KEYS_JS, isolate_styles=False)
_span_picker = st.components.v2.component(
    "workbench.span_picker", html="", js=_PICKER_JS, isolate_styles=False
)


@dataclass(frozen=True)
class Typed:
    """What the editor holds: the text, and the version of the saved English it was typed over
    (None: there was no post-edit yet)."""

    text: str
    version: int | None
    segment: int | None = None  # the sentence whose editor it is (None: not reported)


@dataclass(frozen=True)
class KeyAction:
    kind: str  # "save" | "approve" | "next" | "prev"
    typed: Typed | None  # the post-edit box's text, None when the page had none
    nonce: str  # one per key press: a press reported twice is acted on once


def review_keys(key: str, on_action: Callable[[], None]) -> None:
    """Mount the page's keyboard (once, at a place that never moves)."""
    _review_keys(key=key, data={}, on_action_change=on_action)


def key_action(key: str) -> KeyAction | None:
    """The shortcut just pressed (in review_keys' on_action callback)."""
    value = _state(key).get("action")
    if not value:
        return None
    typed = value.get("typed")
    return KeyAction(
        str(value.get("kind", "")), None if not typed else _typed(typed), str(value.get("nonce"))
    )


def post_editor(
    key: str,
    *,
    segment_id: int,
    base: str,
    version: int | None,
    storage: str,
    saved_label: str,
    focus: bool = False,
    replace: str | None = None,
    replace_nonce: int = 0,
) -> Any:
    """Mount the editor of one sentence. ``base`` is its English in the database (post-edit,
    else MT) at ``version`` (None: no post-edit yet); ``storage`` names the browser-storage
    slot for unsaved text; ``replace`` puts a text into the box once per ``replace_nonce``
    (taking the other reviewer's version); ``focus`` puts the cursor in it."""
    return _post_editor(
        key=key,
        data={
            "segment": segment_id,
            "base": base,
            "version": version,
            "storage": storage,
            "saved_label": saved_label,
            "replace": replace,
            "replace_nonce": replace_nonce,
            "focus": focus,
        },
        on_text_change=lambda: None,
    )


def editor_text(key: str) -> Typed | None:
    """What the editor held when it last lost focus (None before the reviewer touched it)."""
    value = _state(key).get("text")
    return None if not value else _typed(value)


def _typed(value: Any) -> Typed:
    version, segment = value.get("version"), value.get("segment")
    return Typed(
        str(value.get("text", "")),
        None if version is None else int(version),
        None if segment is None else int(segment),
    )


@dataclass(frozen=True)
class Side:
    name: str  # "src" | "mt"
    label: str
    text: str
    marks: Sequence[dict[str, Any]]  # {"start", "end", "title", "css"}: code-point offsets
    empty: str = ""
    muted: bool = False


@dataclass(frozen=True)
class PickedSpan:
    side: str
    start: int
    end: int
    text: str


def span_picker(key: str, sides: Sequence[Side]) -> PickedSpan | None:
    """Show source and MT; return the span last selected with the mouse, if any."""
    _span_picker(
        key=key,
        data={
            "sides": [
                {
                    "name": s.name,
                    "label": s.label,
                    "text": s.text,
                    "marks": list(s.marks),
                    "empty": s.empty,
                    "muted": s.muted,
                }
                for s in sides
            ]
        },
        on_span_change=lambda: None,
    )
    value = _state(key).get("span")
    if not value:
        return None
    return PickedSpan(str(value["side"]), int(value["start"]), int(value["end"]), str(value["text"]))


def _state(key: str) -> dict[str, Any]:
    value = st.session_state.get(key)
    if value is None:
        return {}
    return {name: value.get(name) for name in ("action", "text", "span")} if hasattr(value, "get") else {}
