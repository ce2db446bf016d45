"""The indicator a session holds once an upload is read.

Registry-like, with its own values per level (see
:func:`divide.uploads.load_indicator`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from divide.errors import DivideError
from divide.indicators import value_column
from divide.registry import Indicator, Source


@dataclass(frozen=True)
class UploadedIndicator(Indicator):
    """A user's indicator for the session: registry-like, with its own values.

    It has the attributes of :class:`divide.registry.Indicator` (``id``
    ``user_<slug>``, ``label`` in both languages, ``unit``, ``direction``,
    ``sources``) so labels, units and formatting work as for the registry's
    indicators, plus its values per level.

    Attributes
    ----------
    file : str
        Name of the uploaded file.
    level : str
        Level of the uploaded codes.
    kind : str
        ``"count"`` (summed upward) or ``"rate"``.
    weight : str, optional
        Weight column used to aggregate a rate.
    values : dict
        Level → Series of values indexed by territory code (every territory of
        the level, NaN where the file has no value).
    coverage : dict
        Level → Series: share of the member territories (of the uploaded level)
        that have a value, per territory; 1.0 at the uploaded level.
    uploaded : str
        ISO date of the upload.
    sha256 : str
        Checksum of the uploaded file.
    """

    file: str = ""
    level: str = "commune"
    kind: str = "count"
    weight: str | None = None
    values: dict = field(default_factory=dict, compare=False, hash=False, repr=False)
    coverage: dict = field(default_factory=dict, compare=False, hash=False, repr=False)
    uploaded: str = ""
    sha256: str = ""

    @property
    def is_count(self) -> bool:
        """True when the values are counts (summed upward)."""
        return self.kind == "count"

    @property
    def levels(self) -> tuple[str, ...]:
        """Levels at which the indicator has values."""
        return tuple(self.values)

    def vintage(self, lang: str | None = None, dates=None) -> str:
        """``"user upload: <file>"``: the provenance shown beside the values.

        ``lang`` and ``dates`` are accepted as for the registry's indicators (an
        upload has one wording and no build date).
        """
        return f"user upload: {self.file}"

    def source_records(self) -> list[Source]:
        """One record for the uploaded file, shaped like the registry's sources."""
        return [
            Source(
                id="user_upload",
                producer=f"user upload: {self.file}",
                title=self.file,
                vintage=self.uploaded,
                licence="as set by the file's owner",
                url="",
                file=self.file,
                reader="divide.uploads:load_indicator",
            )
        ]

    def values_at(self, level: str) -> pd.Series:
        """Values at a level, indexed by territory code.

        Raises
        ------
        DivideError
            The indicator is not available at that level (a rate without weight
            is only shown at the uploaded level).
        """
        if level not in self.values:
            why = (
                " (a rate is only shown at the uploaded level unless a weight "
                "column is given)"
                if self.kind == "rate"
                else ""
            )
            raise DivideError(
                f"the uploaded indicator '{self.id}' has no values at level "
                f"'{level}'{why}. Available: {', '.join(self.values)}"
            )
        return self.values[level]

    def frame(self, level: str) -> pd.DataFrame:
        """Values at a level as ``v_<id>`` plus ``coverage_<id>``, indexed by code.

        Join it onto ``atlas.level(level)`` to map, compare or export the
        indicator with the registry's.
        """
        values = self.values_at(level)
        return pd.DataFrame(
            {
                value_column(self.id): values,
                f"coverage_{self.id}": self.coverage[level].reindex(values.index),
            }
        )

    def provenance(self) -> dict[str, str]:
        """One entry for an export's dictionary / sources table."""
        return {
            "id": self.id,
            "label": self.label["en"],
            "unit": self.unit,
            "direction": self.direction,
            "kind": self.kind,
            "level": self.level,
            "source": self.sources[0],
            "uploaded": self.uploaded,
            "sha256": self.sha256,
        }
