"""A copy of the committed atlas whose territory names carry hostile text."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd

from divide.atlas import DEFAULT_ATLAS


def poisoned_copy(folder: Path, names: dict[tuple[str, str], str]) -> Path:
    """Copy the atlas into ``folder`` with ``names[(level, code)]`` as names."""
    shutil.copytree(DEFAULT_ATLAS, folder)
    table = pd.read_parquet(folder / "territories.parquet")
    for (level, code), name in names.items():
        where = (table["level"] == level) & (table["code"] == code)
        assert where.sum() == 1, (level, code)
        table.loc[where, "name"] = name
    table.to_parquet(folder / "territories.parquet")
    return folder
