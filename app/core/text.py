"""Cleaning free text typed by users before it is stored."""

import unicodedata


def clean_text(text: str | None) -> str:
    """Typed text without control characters (PostgreSQL refuses NUL), line breaks and tabs kept."""
    return "".join(ch for ch in (text or "") if ch in "\n\t" or unicodedata.category(ch) != "Cc").strip()
