"""From the raw open data to ``data/atlas/``: readers, harmonisation, the build.

* :mod:`divide.build.readers`: one reader per source file family (and the table
  reading, decoding and code normalisation they share);
* :mod:`divide.build.geography`: the reference communes, their polygons and points;
* :mod:`divide.build.harmonise`: old commune codes → today's communes;
* :mod:`divide.build.sources`: each source → additive base columns, dated series;
* :mod:`divide.build.atlas`: the build itself, its quality report and provenance;
* :mod:`divide.build.buildings`: building-level ARCEP data on DuckDB;
* :mod:`divide.build.download`: fetching the raw files.
"""
