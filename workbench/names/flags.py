"""A flag: one suspect span with its suggestion and the reason, what every check returns."""

from __future__ import annotations

from dataclasses import dataclass

from workbench.names.mentions import Mention, Token

# What a flag says is wrong:
#   glossary         a known wrong form from the glossary ("Scholes" -> "Scholz")
#   transliteration  a German spelling of a Cyrillic or Arabic name left in English ("Schoigu")
#   near-miss        close in spelling and sound to a known name ("General Mark Milli" -> "Milley")
#   inconsistency    one person spelled several ways in the document or across the corpus
#   mismatch         a name or number in the source missing or altered in the translation
KINDS = ("glossary", "transliteration", "near-miss", "inconsistency", "mismatch")


@dataclass(frozen=True)
class Flag:
    line: int  # 1-based segment/line number (0 if not applicable)
    side: str  # "src" | "mt"
    start: int  # character offsets in that line
    end: int
    text: str
    kind: str  # one of KINDS
    suggestion: str
    reason: str  # one human sentence: why this was flagged
    confidence: float  # 0..1

    def as_json(self) -> dict[str, object]:
        return {
            "line": self.line,
            "side": self.side,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "kind": self.kind,
            "suggestion": self.suggestion,
            "reason": self.reason,
            "confidence": round(self.confidence, 2),
        }


def on_token(
    m: Mention, kind: str, suggestion: str, reason: str, confidence: float, token: Token | None = None
) -> Flag:
    """A flag on one word of a mention (its family name unless another token is given)."""
    t = token or m.token
    conf = max(0.05, min(0.99, confidence))
    return Flag(m.line, m.side, t.start, t.end, t.text, kind, suggestion, reason, conf)
