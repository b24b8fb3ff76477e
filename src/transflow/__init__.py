"""transflow: keep Dutch and English versions of articles aligned through gettext catalogs."""

__version__ = "0.1.0"
