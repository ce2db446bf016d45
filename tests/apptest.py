"""The one way tests open the app under Streamlit's AppTest.

``open_page("pages/map.py", lang="fr", level="departement", code="29")`` starts a
new session whose URL carries the parameters, runs the app (``st.navigation``
registers the pages on that first run), switches to the page and fails the test
on any exception, with the last frames of its stack.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path

import pandas as pd
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parents[1] / "app.py"
OVERVIEW = "pages/overview.py"


def new_session(
    *, timeout: float = 60, state: Mapping | None = None, **params: str
) -> AppTest:
    """A session not yet run, whose URL carries ``params`` and state ``state``."""
    at = AppTest.from_file(str(APP), default_timeout=timeout)
    if params:
        at.query_params.update({k: str(v) for k, v in params.items()})
    for key, value in (state or {}).items():
        at.session_state[key] = value
    return at


def problems(at: AppTest) -> str:
    """Exceptions of the last run, short enough to read in a test report."""
    lines = []
    for exc in at.exception:
        lines.append(exc.message)
        lines.extend(str(frame).strip() for frame in exc.stack_trace[-4:])
    return "\n".join(lines)


def open_page(
    page: str | None = None,
    *,
    timeout: float = 60,
    state: Mapping | None = None,
    setup: Callable[[AppTest], object] | None = None,
    **params: str,
) -> AppTest:
    """Open ``page`` (the overview when None) in a new session; no exception.

    ``setup`` acts on the page once it is drawn (pick a widget...), then the page
    runs again.
    """
    at = new_session(timeout=timeout, state=state, **params)
    at.run()
    if page is not None and page != OVERVIEW:
        assert not at.exception, problems(at)
        at.switch_page(page)
        at.run()
    if setup is not None:
        assert not at.exception, problems(at)
        setup(at)
        at.run()
    assert not at.exception, problems(at)
    return at


def texts(elements) -> str:
    """The values of some elements, one per line."""
    return "\n".join(str(e.value) for e in elements)


def vega_charts(at: AppTest) -> list[tuple[dict, pd.DataFrame]]:
    """Each Vega-Lite chart of the page: its spec and its data.

    Streamlit moves a spec's inline ``data.values`` into an Arrow table of the
    element, read back here; GeoJSON stays in the spec (the data is then empty).
    """
    return [
        (
            json.loads(c.proto.spec),
            convert_arrow_bytes_to_pandas_df(c.proto.data.data)
            if c.proto.data.data
            else pd.DataFrame(),
        )
        for c in at.get("vega_lite_chart")
    ]
