"""The strings table (``divide/texts/strings.yaml``): whole, in both languages, used."""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest
import yaml

from divide import i18n

ROOT = Path(__file__).resolve().parents[1]
#: Keys whose languages need different placeholders (French says "un" in words,
#: or has no article to agree with the level).
OWN_PLACEHOLDERS = {"prob_named", "access_stop_left_one"}


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_key_has_both_languages_read_whole():
    raw = yaml.safe_load(i18n.PATH.read_text(encoding="utf-8"))
    assert len(raw) == len(i18n.STRINGS) > 700
    for key, texts in raw.items():
        assert set(texts) == {"fr", "en"}, key
        assert all(isinstance(v, str) and v.strip() for v in texts.values()), key
        assert i18n.STRINGS[key] == (texts["fr"], texts["en"])


def test_both_languages_take_the_same_placeholders():
    differ = {
        key
        for key, (fr, en) in i18n.STRINGS.items()
        if placeholders(fr) != placeholders(en)
    }
    assert differ == OWN_PLACEHOLDERS


@pytest.mark.parametrize(
    "entry",
    [
        "key:\n  fr: seulement en français\n",  # no English
        "key:\n  fr: Oui\n  en: ''\n",  # empty
        "key: {fr: un, deux, en: one}\n",  # cut by the parser at the comma
        "- a list\n",
    ],
)
def test_a_malformed_table_is_refused(tmp_path, monkeypatch, entry):
    path = tmp_path / "strings.yaml"
    path.write_text(entry, encoding="utf-8")
    monkeypatch.setattr(i18n, "PATH", path)
    i18n._table.cache_clear()
    try:
        with pytest.raises(i18n.TextTableError, match=r"strings\.yaml"):
            i18n.t("key", "fr")
    finally:
        i18n._table.cache_clear()


def test_t_formats_and_both_gives_each_language():
    raw = yaml.safe_load(i18n.PATH.read_text(encoding="utf-8"))
    note = raw["progress_map_note"]["en"].format(date="1 May", n=3)
    assert i18n.t("progress_map_note", "en", date="1 May", n=3) == note
    assert i18n.both("app_title") == raw["app_title"]
    assert raw["app_title"]["fr"] != raw["app_title"]["en"]


def literal_keys() -> set[tuple[str, str]]:
    """(file, key) of every ``t("literal", ...)`` call in the library and the app."""
    files = [
        *ROOT.joinpath("divide").rglob("*.py"),
        *ROOT.joinpath("pages").glob("*.py"),
    ]
    files += [*ROOT.joinpath("frontend").rglob("*.py"), ROOT / "app.py"]
    found = set()
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", getattr(node.func, "attr", ""))
                in {"t", "both"}
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.add((str(path.relative_to(ROOT)), node.args[0].value))
    return found


def test_every_key_written_in_the_code_is_in_the_table():
    keys = literal_keys()
    assert len(keys) > 300
    missing = sorted(f"{f}: {k}" for f, k in keys if k not in i18n.STRINGS)
    assert not missing, missing
