"""transflow: keep Dutch and English versions of articles aligned through gettext catalogs."""

import os as _os

__version__ = "0.1.0"

if _os.environ.get("TRANSFLOW_PURE_PYTHON"):  # run the .py modules, compiled or not
    from transflow._modules import prefer_sources as _prefer_sources

    _prefer_sources()
