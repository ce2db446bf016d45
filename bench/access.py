"""Benchmark of divide.distance: nearest sites for every commune, greedy placement.

Run from the repository root::

    /work/venv/bin/python bench/distance.py

Uses the commune points and sites of ``data/atlas/`` when the atlas has been built
(``territories.parquet`` with level "commune", ``sites.parquet``); otherwise, and
always as a second run, a synthetic set with a fixed seed: 35,000 points over the
mainland bounding box plus ~110 overseas, and 20,000 sites. Prints figures only.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from divide import distance, territory  # noqa: E402

ATLAS = ROOT / "data" / "atlas"
RADIUS_KM = 10.0
K = 20
OVERSEAS = {"971": 32, "972": 34, "973": 22, "974": 24}


def timed(fn, repeat: int = 3):
    """Return (best seconds, first result) over ``repeat`` calls."""
    best, result = float("inf"), None
    for i in range(repeat):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
        if i == 0:
            result = out
    return best, result


def synthetic(seed: int = 2026) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Communes and sites drawn at random (fixed seed)."""
    rng = np.random.default_rng(seed)
    n, m = 35_000, 20_000
    communes = pd.DataFrame(
        {
            "code": [f"{i:05d}" for i in range(n)],
            "lon": rng.uniform(-4.8, 8.2, n),
            "lat": rng.uniform(42.3, 51.1, n),
            "dep": "45",
        }
    )
    extra = []
    for dep, count in OVERSEAS.items():
        x0, y0, x1, y1 = territory.PLACES[dep].box
        extra.append(
            pd.DataFrame(
                {
                    "code": [f"{dep}{i:02d}" for i in range(1, count + 1)],
                    "lon": rng.uniform(x0, x1, count),
                    "lat": rng.uniform(y0, y1, count),
                    "dep": dep,
                }
            )
        )
    communes = pd.concat([communes, *extra], ignore_index=True)
    population = rng.lognormal(6.3, 1.4, len(communes)).round()
    communes["population"] = population
    communes["people_at_risk"] = (
        population * 0.823 * rng.uniform(0.08, 0.3, len(communes))
    )
    # sites: mostly mainland, a few overseas, no département (boxes decide)
    kinds = np.array(
        [
            "france_services",
            "conseiller_numerique",
            "library",
            "conseiller_numerique;france_services",
        ]
    )
    sites = pd.DataFrame(
        {
            "lon": rng.uniform(-4.8, 8.2, m),
            "lat": rng.uniform(42.3, 51.1, m),
            "kinds": rng.choice(kinds, m, p=[0.15, 0.2, 0.6, 0.05]),
        }
    )
    over = communes[communes["dep"] != "45"].sample(200, replace=True, random_state=1)
    sites.iloc[:200, :2] = over[["lon", "lat"]].to_numpy()
    return communes, sites


def from_atlas() -> tuple[pd.DataFrame, pd.DataFrame | None] | None:
    """Commune points (and sites) of the built atlas, or None."""
    path = ATLAS / "territories.parquet"
    if not path.exists():
        return None
    table = pd.read_parquet(path)
    if "level" in table.columns:
        table = table[table["level"] == "commune"]
    if not {"code", "lon", "lat"} <= set(table.columns):
        return None
    communes = table.rename(columns={"departement": "dep"}).reset_index(drop=True)
    communes = communes[communes["lon"].notna() & communes["lat"].notna()]
    if "population" not in communes.columns:
        communes["population"] = 1000.0
    communes["population"] = communes["population"].fillna(0.0).astype(float)
    if "people_at_risk" not in communes.columns:
        communes["people_at_risk"] = communes["population"] * 0.823 * 0.154
    sites = None
    if (ATLAS / "sites.parquet").exists():
        sites = pd.read_parquet(ATLAS / "sites.parquet")
        sites = sites.rename(columns={"departement": "dep"})
        if not {"lon", "lat"} <= set(sites.columns):
            sites = None
    return communes, sites


def scope_of_about(communes: pd.DataFrame, size: int = 5000) -> pd.DataFrame:
    """A région of about ``size`` communes, or a synthetic box of that size."""
    if "region" in communes.columns:
        counts = communes["region"].value_counts()
        region = (counts - size).abs().idxmin()
        print(f"  scope: région {region}, {counts[region]} communes")
        return communes[communes["region"] == region]
    mainland = communes[communes["dep"] == "45"]
    lon_cut = mainland["lon"].min() + (
        mainland["lon"].max() - mainland["lon"].min()
    ) * (size / len(mainland))
    scope = mainland[mainland["lon"] <= lon_cut]
    print(f"  scope: west strip up to lon {lon_cut:.2f}, {len(scope)} communes")
    return scope


def run(label: str, communes: pd.DataFrame, sites: pd.DataFrame) -> None:
    """Time the access functions on one data set and print the figures."""
    print(f"\n== {label}: {len(communes):,} communes, {len(sites):,} sites")
    distance._transformer.cache_clear()
    start = time.perf_counter()
    distance.nearest_distance_km(communes, sites)
    cold = time.perf_counter() - start
    print(f"nearest_distance_km, cold (builds transformers): {cold:.3f} s")
    best, dist = timed(lambda: distance.nearest_distance_km(communes, sites))
    print(f"nearest_distance_km, all communes:  {best:.3f} s (best of 3)")
    print(
        f"  median {dist.median():.2f} km, p90 {dist.quantile(0.9):.2f} km, "
        f"max {dist.max():.2f} km, no site in territory: {int(dist.isna().sum())}"
    )
    if "kinds" in sites.columns:
        best, _ = timed(
            lambda: distance.nearest_distance_km(
                communes, sites, kinds="conseiller_numerique"
            )
        )
        print(f"nearest_distance_km, kinds='cnfs':  {best:.3f} s (best of 3)")
    best, cov = timed(lambda: distance.people_within(communes, sites, RADIUS_KM))
    print(
        f"people_within {RADIUS_KM:g} km:            {best:.3f} s; "
        f"{cov.share:.1%} of people at risk covered"
    )
    best, under = timed(lambda: distance.underserved(communes, sites, RADIUS_KM))
    print(
        f"underserved {RADIUS_KM:g} km:              {best:.3f} s; {len(under):,} rows"
    )

    scope = scope_of_about(communes)
    existing = sites
    kinds = "conseiller_numerique" if "kinds" in sites.columns else None
    start = time.perf_counter()
    result = distance.greedy_placement(
        scope, scope, existing, RADIUS_KM, K, kinds=kinds
    )
    elapsed = time.perf_counter() - start
    print(
        f"greedy_placement K={K}, radius {RADIUS_KM:g} km, {len(scope):,} communes, "
        f"existing sites of kind {kinds}: "
        f"{elapsed:.3f} s"
    )
    summary(result)
    start = time.perf_counter()
    result = distance.greedy_placement(scope, scope, None, RADIUS_KM, K)
    print(f"greedy_placement, no existing sites: {time.perf_counter() - start:.3f} s")
    summary(result)


def summary(result: distance.PlacementResult) -> None:
    """Print the coverage before/after and the first and last gains."""
    gains = result.table["marginal_gain"]
    print(
        f"  covered {result.covered_before:,.0f} -> {result.covered_after:,.0f} "
        f"of {result.total_demand:,.0f} ({result.share_before:.1%} -> "
        f"{result.share_after:.1%}); {len(gains)} hosts, first gain "
        f"{gains.iloc[0]:,.0f}, last {gains.iloc[-1]:,.0f}"
    )


def main() -> None:
    """Run the benchmark on the atlas (when built) and on the synthetic set."""
    real = from_atlas()
    if real is not None:
        communes, sites = real
        if sites is None:
            sites = synthetic()[1]
            print("atlas has no usable sites.parquet: synthetic sites")
        run("atlas", communes, sites)
    else:
        print(f"no atlas in {ATLAS}: synthetic data only")
    communes, sites = synthetic()
    run("synthetic", communes, sites)


if __name__ == "__main__":
    main()
