"""Merge aid (issue 13): strings of an old-style ``divide/i18n.py`` into the table.

Other branches may still add or edit keys in the ``STRINGS = {...}`` dict of the
old ``divide/i18n.py``. Give this script that file (e.g. ``git show
issue-15-model2:divide/i18n.py > /tmp/i18n_15.py``): keys the table lacks are
appended to ``divide/texts/strings.yaml`` with their section comments; keys whose
text differs are listed (edit them by hand: the table may hold the newer text).
Delete this script once no branch has the old file.

    python tools/i18n_merge.py /tmp/i18n_15.py
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import yaml

TABLE = Path(__file__).resolve().parents[1] / "divide" / "texts" / "strings.yaml"


def scalar(text: str) -> str:
    """One YAML scalar on one line."""
    dumped = yaml.safe_dump(text, allow_unicode=True, width=10**9).rstrip("\n")
    return dumped.removesuffix("\n...")


def main(old_file: str) -> int:
    """Append the missing keys, list the differing ones."""
    source = Path(old_file).read_text(encoding="utf-8")
    lines = source.splitlines()
    node = next(
        n
        for n in ast.parse(source).body
        if isinstance(n, ast.AnnAssign | ast.Assign)
        and getattr(
            n.target if isinstance(n, ast.AnnAssign) else n.targets[0], "id", ""
        )
        == "STRINGS"
    )
    table = yaml.safe_load(TABLE.read_text(encoding="utf-8"))
    added, differ, previous = [], [], node.value.lineno
    for key_node, value_node in zip(node.value.keys, node.value.values, strict=True):
        key = ast.literal_eval(key_node)
        fr, en = ast.literal_eval(value_node)
        comments = [
            lines[i - 1].strip()
            for i in range(previous + 1, key_node.lineno)
            if lines[i - 1].strip().startswith("#")
        ]
        previous = value_node.end_lineno
        if key not in table:
            added += [
                *comments,
                f"{key}:",
                f"  fr: {scalar(fr)}",
                f"  en: {scalar(en)}",
            ]
        elif table[key] != {"fr": fr, "en": en}:
            differ.append(key)
    if added:
        with TABLE.open("a", encoding="utf-8") as out:
            out.write("\n".join(added) + "\n")
    check = yaml.safe_load(TABLE.read_text(encoding="utf-8"))
    keys = [a for a in added if a.endswith(":") and not a.startswith((" ", "#"))]
    print(f"{len(keys)} keys added")
    for key in differ:
        print(f"differs: {key}: table {check[key]!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(*sys.argv[1:]))
