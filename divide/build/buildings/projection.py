"""Map projections written in SQL, so the grid is computed inside DuckDB.

A building's ``imb_x`` / ``imb_y`` are Web Mercator metres (EPSG:3857). The grid
of :mod:`divide.build.buildings.aggregate` is made of squares in each territory's own
metric CRS (:func:`divide.territory.metric_crs`: Lambert-93 for mainland France
and Corsica, UTM for the overseas départements), so a 1 km cell is 1 km on the
ground everywhere. Projecting 28 million buildings in Python would dominate the
run; these closed-form formulas run as plain SQL arithmetic, vectorised and
parallel, and port unchanged to Spark SQL.

* EPSG:3857 → longitude / latitude: the inverse spherical Mercator (exact);
* longitude / latitude → Lambert Conformal Conic (2SP): the ellipsoidal
  formulas of IOGP Guidance Note 7-2, §3.2.1.1;
* longitude / latitude → Transverse Mercator: Krüger's series in ``n`` to the
  third order (IOGP 7-2, §3.5.3.1), well below a millimetre inside a UTM zone.

The projection parameters are read from pyproj's definition of each EPSG code,
not typed here. WGS 84 is taken as the territories' GRS 80 frames (RGF93,
RGAF09, RGFG95, RGR92, RGM04): they differ by well under a metre, nothing at the
scale of a 1 km cell. Tests check every formula against pyproj.
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np
from pyproj import CRS, Transformer

from divide.territory import OVERSEAS, metric_crs

#: Radius of the Web Mercator sphere (EPSG:3857), metres.
MERCATOR_RADIUS = 6378137.0


def epsg_of(departement: str) -> int:
    """EPSG code of the metric CRS used for a département's grid cells."""
    return int(metric_crs(departement).split(":")[1])


def epsg_sql(dep_column: str) -> str:
    """SQL expression: the grid CRS's EPSG code of a département column."""
    whens = " ".join(f"WHEN '{d}' THEN {epsg_of(d)}" for d in OVERSEAS)
    return f"CASE {dep_column} {whens} ELSE {epsg_of('75')} END"


def mercator_to_lonlat_sql(x: str, y: str) -> tuple[str, str]:
    """SQL expressions: longitude and latitude (degrees) of EPSG:3857 metres."""
    r = MERCATOR_RADIUS
    return f"degrees({x} / {r!r})", f"degrees(atan(sinh({y} / {r!r})))"


def lonlat_to_mercator(
    lon: np.ndarray, lat: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """EPSG:3857 metres of longitudes and latitudes in degrees (numpy)."""
    r = MERCATOR_RADIUS
    lam, phi = np.radians(lon), np.radians(lat)
    return r * lam, r * np.log(np.tan(np.pi / 4 + phi / 2))


@cache
def _parameters(epsg: int) -> tuple[str, dict[str, float], float, float]:
    crs = CRS.from_epsg(epsg)
    operation = crs.coordinate_operation
    params = {p.name: float(p.value) for p in operation.params}
    ellipsoid = crs.ellipsoid
    a = ellipsoid.semi_major_metre
    f = 1.0 / ellipsoid.inverse_flattening
    return operation.method_name, params, a, f


def _lcc_sql(epsg: int, lon: str, lat: str) -> tuple[str, str]:
    method, p, a, f = _parameters(epsg)
    if not method.startswith("Lambert Conic Conformal (2SP)"):
        raise ValueError(f"EPSG:{epsg} is not a Lambert Conic Conformal (2SP) CRS")
    e = math.sqrt(f * (2 - f))

    def m(phi: float) -> float:
        return math.cos(phi) / math.sqrt(1 - (e * math.sin(phi)) ** 2)

    def t(phi: float) -> float:
        s = e * math.sin(phi)
        return math.tan(math.pi / 4 - phi / 2) / ((1 - s) / (1 + s)) ** (e / 2)

    phi0 = math.radians(p["Latitude of false origin"])
    phi1 = math.radians(p["Latitude of 1st standard parallel"])
    phi2 = math.radians(p["Latitude of 2nd standard parallel"])
    lam0 = math.radians(p["Longitude of false origin"])
    n = (math.log(m(phi1)) - math.log(m(phi2))) / (
        math.log(t(phi1)) - math.log(t(phi2))
    )
    big_f = m(phi1) / (n * t(phi1) ** n)
    r0 = a * big_f * t(phi0) ** n
    e0, n0 = p["Easting at false origin"], p["Northing at false origin"]
    phi = f"radians({lat})"
    es = f"({e!r} * sin({phi}))"
    tt = f"(tan(pi() / 4 - {phi} / 2) / pow((1 - {es}) / (1 + {es}), {e / 2!r}))"
    r = f"({a * big_f!r} * pow({tt}, {n!r}))"
    theta = f"({n!r} * (radians({lon}) - {lam0!r}))"
    return f"({e0!r} + {r} * sin({theta}))", f"({n0 + r0!r} - {r} * cos({theta}))"


def _tm_select(epsg: int, relation: str, columns: str) -> str:
    method, p, a, f = _parameters(epsg)
    if method != "Transverse Mercator" or p["Latitude of natural origin"] != 0:
        raise ValueError(f"EPSG:{epsg} is not a UTM-like Transverse Mercator CRS")
    e = math.sqrt(f * (2 - f))
    n = f / (2 - f)
    big_a = a / (1 + n) * (1 + n**2 / 4 + n**4 / 64)
    alphas = (
        n / 2 - 2 * n**2 / 3 + 5 * n**3 / 16,
        13 * n**2 / 48 - 3 * n**3 / 5,
        61 * n**3 / 240,
    )
    k = p["Scale factor at natural origin"] * big_a
    lam0 = math.radians(p["Longitude of natural origin"])
    x_terms = " + ".join(
        f"{al!r} * cos({2 * j} * xi) * sinh({2 * j} * eta)"
        for j, al in enumerate(alphas, 1)
    )
    y_terms = " + ".join(
        f"{al!r} * sin({2 * j} * xi) * cosh({2 * j} * eta)"
        for j, al in enumerate(alphas, 1)
    )
    inner = (
        f"SELECT *, sinh(atanh(sin(radians(lat))) - {e!r} * atanh({e!r} * "
        f"sin(radians(lat)))) AS tq, radians(lon) - {lam0!r} AS dl "
        f"FROM {relation} WHERE epsg = {epsg}"
    )
    middle = (
        f"SELECT *, atan2(tq, cos(dl)) AS xi, atanh(sin(dl) / sqrt(1 + tq * tq)) "
        f"AS eta FROM ({inner})"
    )
    return (
        f"SELECT {columns}, "
        f"{p['False easting']!r} + {k!r} * (eta + {x_terms}) AS mx, "
        f"{p['False northing']!r} + {k!r} * (xi + {y_terms}) AS my "
        f"FROM ({middle})"
    )


def metric_sql(relation: str, columns: str) -> str:
    """SQL: ``relation`` (with ``lon``, ``lat``, ``epsg``) projected to metres.

    Parameters
    ----------
    relation : str
        A table or subquery with ``lon`` / ``lat`` in degrees and ``epsg`` (as
        given by :func:`epsg_sql`).
    columns : str
        Columns of ``relation`` to keep, comma-separated (must include ``epsg``).

    Returns
    -------
    str
        A query with ``columns`` plus ``mx`` / ``my``, metres in ``epsg``. Rows
        whose ``epsg`` is not a territory's grid CRS are dropped.
    """
    mainland = epsg_of("75")
    x, y = _lcc_sql(mainland, "lon", "lat")
    parts = [
        f"SELECT {columns}, {x} AS mx, {y} AS my FROM {relation} "
        f"WHERE epsg = {mainland}"
    ]
    overseas = sorted({epsg_of(d) for d in OVERSEAS})
    parts += [_tm_select(code, relation, columns) for code in overseas]
    return "\nUNION ALL\n".join(parts)


@cache
def _to_lonlat(epsg: int) -> Transformer:
    return Transformer.from_crs(epsg, 4326, always_xy=True)


def metric_to_lonlat(
    epsg: np.ndarray, x: np.ndarray, y: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Longitudes and latitudes of points in metres, each in its own EPSG (pyproj).

    Used for the few cell centroids, not for buildings.
    """
    epsg = np.asarray(epsg)
    lon = np.full(len(epsg), np.nan)
    lat = np.full(len(epsg), np.nan)
    for code in np.unique(epsg):
        sel = epsg == code
        lon[sel], lat[sel] = _to_lonlat(int(code)).transform(
            np.asarray(x)[sel], np.asarray(y)[sel]
        )
    return lon, lat
