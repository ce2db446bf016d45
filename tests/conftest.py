"""Shared test fixtures: committed fixtures, the real raw data, the atlas."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "data"
RAW = ROOT.parent / "shared" / "data" / "raw"
ARCEP_2019 = "arcep_maconnexioninternet_commune-debit-beta_2019-09-30.csv"

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@pytest.fixture(scope="session")
def atlas():
    """The embedded atlas (data/atlas), loaded once; tests skip when it is not built."""
    from divide.atlas import Atlas
    from divide.errors import DivideError

    try:
        return Atlas.load()
    except DivideError as exc:
        pytest.skip(f"the embedded atlas is not built: {exc}")


@pytest.fixture(scope="session")
def fixtures() -> Path:
    """Folder of small committed fixtures (see tests/data/*/README.md)."""
    return FIXTURES


@pytest.fixture(scope="session")
def raw_dir() -> Path:
    """The real open data beside the repo; tests using it skip when it is absent."""
    if not RAW.exists():
        pytest.skip("../shared/data/raw is not present")
    return RAW


@pytest.fixture(scope="session")
def raw_arcep(raw_dir):
    """ARCEP's 2019 commune file read with plain pandas (codes as strings)."""
    return pd.read_csv(
        raw_dir
        / "broadband"
        / "arcep_maconnexioninternet_commune-debit-beta_2019-09-30.csv",
        sep=";",
        skiprows=1,
        dtype={"code_insee": str, "code_dep": str},
    )
