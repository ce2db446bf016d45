"""Address-level ARCEP data at national scale: building-level eligibility on DuckDB.

ARCEP's *base immeubles* and *éligibilité* files (about 28 million buildings and
440 million building × operator × technology rows) are converted once into
Parquet partitioned by département, then aggregated with SQL run by an embedded
DuckDB (no server) into the atlas's commune premises-by-class columns and a fine
grid of premises below 30 Mbit/s.

Modules: :mod:`~divide.build.buildings.layout` (the official layout, declared once),
:mod:`~divide.build.buildings.convert` (CSV → Parquet),
:mod:`~divide.build.buildings.aggregate` (the SQL),
:mod:`~divide.build.buildings.projection` (map projections in SQL),
:mod:`~divide.build.buildings.synth` (SYNTHETIC data in the same layout),
:mod:`~divide.build.buildings.engine` (the DuckDB connection and its errors).
"""
