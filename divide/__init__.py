"""divide: an open atlas of the digital divide in France.

The library never imports streamlit; the app in ``app.py`` and ``pages/`` is one of
its clients, the ``divide`` command line another.
"""

from divide.errors import DivideError, SourceError

__all__ = ["DivideError", "SourceError"]
__version__ = "0.1.0"
