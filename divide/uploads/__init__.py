"""Bring-your-own data: a user's indicator or site layer, read, checked and joined.

Three kinds of upload are read here, from the bytes of the file (what the app's
uploader gives) or, through :func:`validate_file`, from a path (the CLI):

* an **indicator** (:func:`load_indicator`): a table with a territory code column
  and one or more numeric columns, CSV or Excel ``.xlsx``. Codes are normalised and
  joined to the atlas; the result can be registered for the session as an
  indicator (:meth:`UserIndicator.as_indicator`) that the app maps, compares and
  exports like one of the registry's;
* a **site layer** (:func:`load_sites`): places with coordinates, a commune code or
  a postcode, as CSV, Excel, GeoJSON points or the LaMednum "lieux de médiation
  numérique" schema (JSON or CSV). Each site is placed in today's commune and the
  result has the columns of ``atlas.sites``, so the access and placement tools
  take it as it is;
* a newer **ARCEP** per-commune file (:func:`compare_refresh`), compared with the
  vintage embedded in the atlas.

A partly bad file is not refused: good rows are kept and every bad one is listed
in a :class:`Report` (line number, column, value, close matches, what to fix). A
file is refused as a whole, with a :class:`~divide.errors.SourceError` saying why,
only when it cannot be read at all or breaks a limit: over :data:`MAX_BYTES`,
:data:`MAX_ROWS`, :data:`MAX_COLUMNS` or :data:`MAX_CELLS`; binary content; an old
``.xls`` or a macro-enabled workbook; an ``.xlsx`` whose members would unpack to
more than :data:`MAX_UNZIPPED` bytes or with a suspicious compression ratio (a
"zip bomb"). No other exception type leaves this module's public functions.

Aggregation of a user indicator (see :meth:`UserIndicator.as_indicator`): the unit
decides the kind. ``people``, ``premises`` and ``sites`` are **counts**, summed
upward (communes → EPCI, département, région, France; départements → régions,
France; EPCI and régions → France). Every other unit is a **rate**; a rate is shown
only at the uploaded level, unless a weight column (population, premises...) is
given, in which case it is aggregated as ``Σ value × weight / Σ weight``. Parent
values only sum what the file holds: ``coverage`` gives, per parent territory, the
share of its member territories that have a value.

Text taken from a file (column names, site names, cell values quoted in messages)
goes through :func:`safe_text` (:func:`divide.safe_text.clean`): plain text, no
control characters, capped length. It is *not* escaped here; whatever renders it
escapes it with :mod:`divide.safe_text`.

A :class:`Report` reads in English (``divide validate``) or French
(``Report.text(lang="fr")``): its frame, problems and fixes come from
:mod:`divide.i18n`; the details of the reading and the notes stay in English.

Modules: :mod:`~divide.uploads.common` (limits, plain text),
:mod:`~divide.uploads.report` (problems found), :mod:`~divide.uploads.tables`
(reading bytes into a raw table, numbers), :mod:`~divide.uploads.codes` (territory
codes), :mod:`~divide.uploads.indicator`, :mod:`~divide.uploads.sites`,
:mod:`~divide.uploads.validate` (the CLI's check of a path) and
:mod:`~divide.uploads.refresh` (a newer ARCEP file).
"""

from divide.territory import normalise_codes
from divide.uploads.codes import CodeReference, code_reference
from divide.uploads.common import (
    COUNT_UNITS,
    MAX_BYTES,
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_LISTED,
    MAX_ROWS,
    MAX_UNZIPPED,
    SITE_COLUMNS,
    safe_text,
)
from divide.uploads.indicator import UserIndicator, keep_upload, load_indicator
from divide.uploads.refresh import RefreshComparison, compare_refresh
from divide.uploads.report import Problem, Report
from divide.uploads.sites import UserSites, load_sites
from divide.uploads.tables import RawTable, parse_numbers, read_upload
from divide.uploads.uploaded import UploadedIndicator
from divide.uploads.validate import validate_file

__all__ = [
    "COUNT_UNITS",
    "MAX_BYTES",
    "MAX_CELLS",
    "MAX_COLUMNS",
    "MAX_LISTED",
    "MAX_ROWS",
    "MAX_UNZIPPED",
    "SITE_COLUMNS",
    "CodeReference",
    "Problem",
    "RawTable",
    "RefreshComparison",
    "Report",
    "UploadedIndicator",
    "UserIndicator",
    "UserSites",
    "code_reference",
    "compare_refresh",
    "keep_upload",
    "load_indicator",
    "load_sites",
    "normalise_codes",
    "parse_numbers",
    "read_upload",
    "safe_text",
    "validate_file",
]
