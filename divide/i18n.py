"""Interface strings in French and English, read from ``texts/strings.yaml``.

Every visible label lives in that one table (``key: {fr: ..., en: ...}``), read
once on first use. :func:`t` gives one string in one language, formatted;
:data:`STRINGS` maps each key to its ``(fr, en)`` pair.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path

import yaml

LANGS = ("fr", "en")
#: The table of every interface string.
PATH = Path(__file__).resolve().parent / "texts" / "strings.yaml"


class TextTableError(ValueError):
    """The strings table is malformed (a key without both languages, ...)."""


@cache
def _table() -> dict[str, tuple[str, str]]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    raw = yaml.load(PATH.read_text(encoding="utf-8"), Loader=loader)
    if not isinstance(raw, dict):
        raise TextTableError(f"{PATH}: expected a mapping of keys to {{fr, en}}")
    table = {}
    for key, texts in raw.items():
        if (
            not isinstance(texts, dict)
            or set(texts) != set(LANGS)
            or not all(isinstance(v, str) and v.strip() for v in texts.values())
        ):
            raise TextTableError(
                f"{PATH.name}: '{key}' must have one non-empty text for fr and one "
                f"for en (got {texts!r}); quote texts holding ': ' or ' #'"
            )
        table[str(key)] = (texts["fr"], texts["en"])
    return table


class _Strings(Mapping[str, tuple[str, str]]):
    """Key → ``(fr, en)``, read from the table on first use."""

    def __getitem__(self, key: str) -> tuple[str, str]:
        return _table()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(_table())

    def __len__(self) -> int:
        return len(_table())


STRINGS: Mapping[str, tuple[str, str]] = _Strings()


def t(key: str, lang: str = "fr", **values) -> str:
    """The string ``key`` in ``lang``, formatted with ``values``."""
    fr, en = _table()[key]
    text = fr if lang == "fr" else en
    return text.format(**values) if values else text


def both(key: str, **values) -> dict[str, str]:
    """The string ``key`` in every language: ``{"fr": ..., "en": ...}``."""
    return {lang: t(key, lang, **values) for lang in LANGS}
