"""Time to model illectronisme for every commune (target < 5 s), printed.

Then the sensitivity of the MODELLED rates to assumed within-commune links
between age, diploma and income (:func:`divide.illectronisme.sensitivity`):
leave-one-breakdown-out errors and the rates of the DROM and density classes.

Run: .venv/bin/python bench/illectronisme.py [raw_dir]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from divide import illectronisme as il
from divide.atlas import Atlas
from divide.build.readers.census import read_census_ratios
from divide.build.readers.illectronisme import read_illectronisme_rates

RAW = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/raw")


def main() -> None:
    communes = Atlas.load("data/atlas").level("commune")
    census = read_census_ratios(
        RAW
        / "sociodemo"
        / "DERIVED_batch8_data_scol_menage_demandeurEmplois_RP2017.csv"
    ).set_index("code")
    rates = read_illectronisme_rates(
        RAW / "illectronisme" / "insee_tic_menages_illectronisme_published_figures.csv"
    )
    inputs = census.reindex(communes["code"]).reset_index()
    inputs["population"] = communes["population"].to_numpy()
    inputs["median_income"] = (
        communes["median_x_persons"] / communes["median_persons"]
    ).to_numpy()
    filosofi = pd.read_csv(
        RAW / "poverty" / "insee_filosofi_2021_cc_filosofi_2021_COM.csv",
        sep=";",
        dtype=str,
    ).set_index("CODGEO")
    inputs["income_d9_d1"] = (
        pd.to_numeric(filosofi["RD21"].str.replace(",", "."), errors="coerce")
        .reindex(inputs["code"])
        .to_numpy()
    )
    ircom = pd.read_csv(
        RAW / "poverty" / "DERIVED_batch8_taux_pauvrete_IRCOM2018.csv",
        dtype={"CODE_INSEE": str},
    ).set_index("CODE_INSEE")
    inputs["ircom_low_income_share"] = (
        (ircom["TX_POVERTY"] / 100).reindex(inputs["code"]).to_numpy()
    )
    for name, call in (
        ("estimate", lambda: il.estimate(inputs, rates)),
        ("calibration_report", lambda: il.calibration_report(inputs, rates)),
    ):
        times = []
        for _ in range(3):
            start = time.perf_counter()
            out = call()
            times.append(time.perf_counter() - start)
        size = len(out) if isinstance(out, pd.DataFrame) else len(inputs)
        print(f"{name}: {size} communes, best of 3 {min(times):.2f} s (target < 5 s)")
    print_sensitivity(communes, inputs, rates)


DROM_NAMES = {
    "971": "Guadeloupe",
    "972": "Martinique",
    "973": "Guyane",
    "974": "Réunion",
}
LINKS = [(0.0, 0.0), (0.5, 0.0), (1.0, 0.0), (2.0, 0.0), (1.0, 1.0), (2.0, 2.0)]


def print_sensitivity(communes: pd.DataFrame, inputs: pd.DataFrame, rates) -> None:
    """One line per assumed link: LOO errors, then mainland, DROM, density rates."""
    code = inputs["code"].astype(str)
    place = code.str[:3].map(DROM_NAMES)
    place = place.where(
        place.notna(), np.where(code.str.startswith("97"), None, "mainland")
    )
    density = pd.Series(communes["density"].to_numpy(), index=inputs.index)
    associations = [il.Association(a, b) for a, b in LINKS]
    start = time.perf_counter()
    groups = pd.DataFrame({"place": place, "density": density})
    table = il.sensitivity(inputs, rates, associations, groups)
    took = time.perf_counter() - start
    print(f"\nsensitivity to within-commune links (MODELLED, {took:.1f} s):")
    print(table.round(2).to_string(index=False))


if __name__ == "__main__":
    main()
