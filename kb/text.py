"""Invisible, control and unassigned characters: what they are, where they are refused, how they are shown.

The one owner of "control character". Three uses:
- metadata (titles, names, aliases, ids, descriptions, YAML front matter) must hold
  none of them: `first_hidden` finds the first, `name` names it, `hidden_problem`
  says what to do;
- article bodies: zero-width and other invisible format characters (U+200B,
  U+2060, U+FEFF, U+00AD ...) are removed by `clean_body`, so that what is tagged
  and quoted is exactly what a reader sees, while bidirectional controls,
  C0/C1 controls, private-use, unassigned and noncharacters are refused;
- output to a terminal: `visible` shows every such character as an escape
  (`\\x1b`, `\\u202e`), so a file name or value can never move the cursor,
  recolour the screen or reverse the text of an error message.
"""

from __future__ import annotations

import re
import unicodedata

# Unicode general categories that are never visible text: controls (Cc), format
# characters (Cf), surrogates (Cs), private use (Co), unassigned (Cn, which
# includes the noncharacters U+FDD0..U+FDEF and U+xFFFE/U+xFFFF), and the line
# and paragraph separators (Zl, Zp), which break lines where no newline is seen.
HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
# Bidirectional controls reorder the text around them: in a body they could make a
# quote read differently from its source, so they are refused, never removed.
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# The C0 and C1 control characters have no Unicode name, only these (standard) abbreviations.
_C0 = (
    "NULL", "START OF HEADING", "START OF TEXT", "END OF TEXT", "END OF TRANSMISSION", "ENQUIRY",
    "ACKNOWLEDGE", "BELL", "BACKSPACE", "CHARACTER TABULATION", "LINE FEED", "LINE TABULATION",
    "FORM FEED", "CARRIAGE RETURN", "SHIFT OUT", "SHIFT IN", "DATA LINK ESCAPE", "DEVICE CONTROL ONE",
    "DEVICE CONTROL TWO", "DEVICE CONTROL THREE", "DEVICE CONTROL FOUR", "NEGATIVE ACKNOWLEDGE",
    "SYNCHRONOUS IDLE", "END OF TRANSMISSION BLOCK", "CANCEL", "END OF MEDIUM", "SUBSTITUTE", "ESCAPE",
    "INFORMATION SEPARATOR FOUR", "INFORMATION SEPARATOR THREE", "INFORMATION SEPARATOR TWO",
    "INFORMATION SEPARATOR ONE",
)  # fmt: skip


def is_hidden(char: str) -> bool:
    """Whether `char` is a control, format, private-use, unassigned or noncharacter code point."""
    return unicodedata.category(char) in HIDDEN_CATEGORIES


# str.isprintable() is false exactly for the hidden characters and for the spaces
# other than U+0020 (Zs: no-break space, ideographic space ...). Deleting those
# spaces first turns it into a C-speed test, so clean text never takes the slow path.
# The Zs characters other than U+0020 (stable since Unicode 6.3; tests/test_validation_text.py
# checks the list against the running Python's tables).
SPACES = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
# (A regular expression deletes them several times faster than str.translate with a dict.)
_OTHER_SPACES = re.compile(f"[{SPACES}]")
_SPACES_OR_BREAKS = re.compile(f"[{SPACES}\t\n\r]")


def first_hidden(value: str, allow_line_breaks: bool = False) -> tuple[int, str] | None:
    """The offset and character of the first hidden character in `value`, or None (tab, CR, LF allowed if asked)."""
    if value.isprintable():
        return None  # the common case, at C speed
    if _SPACES_OR_BREAKS.sub("", value).isprintable() if allow_line_breaks else _OTHER_SPACES.sub("", value).isprintable():
        return None
    for offset, char in enumerate(value):
        if is_hidden(char) and not (allow_line_breaks and char in "\t\n\r"):
            return offset, char
    return None  # pragma: no cover - isprintable() said there is one


def name(char: str) -> str:
    """`U+202E RIGHT-TO-LEFT OVERRIDE`: the code point and its Unicode name."""
    code = ord(char)
    label = unicodedata.name(char, "")
    if not label:
        if code < 0x20:
            label = _C0[code]
        elif code == 0x7F:
            label = "DELETE"
        elif 0x80 <= code < 0xA0:
            label = "C1 CONTROL CHARACTER"
        elif (code & 0xFFFE) == 0xFFFE or 0xFDD0 <= code <= 0xFDEF:
            label = "NONCHARACTER"
        elif unicodedata.category(char) == "Co":
            label = "PRIVATE USE CHARACTER"
        elif unicodedata.category(char) == "Cs":
            label = "SURROGATE"
        else:
            label = "UNASSIGNED CODE POINT"
    return f"U+{code:04X} {label}"


def hidden_problem(value: str, allow_line_breaks: bool = False) -> str | None:
    """Why `value` cannot be accepted as metadata (names the first hidden character), or None."""
    found = first_hidden(value, allow_line_breaks)
    if found is None:
        return None
    offset, char = found
    return (
        f"contains {name(char)} (an invisible or control character) at character {offset + 1}; "
        "delete it (retype the text around it if your editor does not show it)"
    )


def clean_body(line: str) -> tuple[str, str | None]:
    """A body line without invisible format characters, and a problem if it holds a character that cannot be removed."""
    if first_hidden(line, allow_line_breaks=True) is None:
        return line, None
    cleaned = "".join(c for c in line if unicodedata.category(c) != "Cf" or c in BIDI_CONTROLS)
    found = first_hidden(cleaned, allow_line_breaks=True)
    if found is None:
        return cleaned, None
    offset, char = found
    kind = "reorders the text around it" if char in BIDI_CONTROLS else "is not text"
    return cleaned, f"contains {name(char)} at character {offset + 1}, which {kind}; delete it"


def strip_hidden(value: str) -> str:
    """`value` without any hidden character, tabs and newlines kept (a last line of defence for output)."""
    if first_hidden(value, allow_line_breaks=True) is None:
        return value
    return "".join(c for c in value if c in "\t\n\r" or not is_hidden(c))


def visible(value: str, keep: str = "") -> str:
    """`value` safe to print on a terminal: every hidden character (newlines too, unless in `keep`) shown as a Python escape."""
    if first_hidden(value) is None:
        return value
    return "".join(c.encode("unicode_escape").decode("ascii") if is_hidden(c) and c not in keep else c for c in value)
