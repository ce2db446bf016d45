"""Colour classes for choropleths: quantiles or natural breaks, colour-blind safe."""

from __future__ import annotations

import numpy as np
import pandas as pd

from divide.errors import unknown

METHODS = ("quantiles", "natural_breaks")
# ColorBrewer YlOrRd / YlGnBu (sequential, colour-blind safe), light = better.
PALETTES = {
    3: ["#ffeda0", "#feb24c", "#f03b20"],
    4: ["#ffffb2", "#fecc5c", "#fd8d3c", "#e31a1c"],
    5: ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"],
    6: ["#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026"],
    7: ["#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#b10026"],
}
NEUTRAL = {
    3: ["#edf8b1", "#7fcdbb", "#2c7fb8"],
    4: ["#ffffcc", "#a1dab4", "#41b6c4", "#225ea8"],
    5: ["#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"],
    6: ["#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#2c7fb8", "#253494"],
    7: ["#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84"],
}
NO_DATA = "#d9d9d9"


def breaks(values: pd.Series, k: int = 5, method: str = "quantiles") -> list[float]:
    """Class edges (k + 1 increasing numbers) for the non-missing values."""
    if method not in METHODS:
        raise unknown("classification", method, METHODS)
    data = np.sort(pd.Series(values).dropna().to_numpy(dtype=float))
    if data.size == 0:
        return []
    unique = np.unique(data)
    if unique.size <= k:
        edges = list(unique)
        return [edges[0], *edges] if len(edges) == 1 else edges
    if method == "quantiles":
        edges = np.quantile(data, np.linspace(0, 1, k + 1))
    else:
        edges = jenks(data, k)
    edges = np.unique(np.round(edges, 10))
    return [float(e) for e in edges]


def jenks(data: np.ndarray, k: int, sample: int = 600) -> np.ndarray:
    """Fisher–Jenks natural breaks (exact on a quantile sample of the data)."""
    if data.size > sample:
        data = np.quantile(data, np.linspace(0, 1, sample))
    n = data.size
    csum = np.concatenate([[0.0], np.cumsum(data)])
    csq = np.concatenate([[0.0], np.cumsum(data**2)])

    def ssd(i: np.ndarray, j: int) -> np.ndarray:
        # Sum of squared deviations of data[i:j] for every start i.
        count = j - i
        total = csum[j] - csum[i]
        return (csq[j] - csq[i]) - total**2 / np.maximum(count, 1)

    cost = np.full((k + 1, n + 1), np.inf)
    back = np.zeros((k + 1, n + 1), dtype=int)
    cost[0, 0] = 0.0
    for c in range(1, k + 1):
        for j in range(c, n + 1):
            starts = np.arange(c - 1, j)
            total = cost[c - 1, starts] + ssd(starts, j)
            best = int(np.argmin(total))
            cost[c, j] = total[best]
            back[c, j] = starts[best]
    edges = [data[-1]]
    j = n
    for c in range(k, 0, -1):
        i = back[c, j]
        edges.append(data[i])
        j = i
    return np.array(sorted(edges))


def palette(k: int, direction: str) -> list[str]:
    """Colours for k classes, light to dark; dark always means 'worse'."""
    k = max(3, min(7, k))
    if direction == "neutral":
        return NEUTRAL[k]
    colours = PALETTES[k]
    return colours if direction == "higher_worse" else colours[::-1]


def assign(values: pd.Series, edges: list[float]) -> pd.Series:
    """Class index of each value (0-based), -1 for missing."""
    out = pd.Series(-1, index=values.index, dtype=int)
    if len(edges) < 2:
        out[values.notna()] = 0
        return out
    inner = np.asarray(edges[1:-1])
    known = values.notna()
    out[known] = np.searchsorted(inner, values[known].to_numpy(), side="right")
    return out
