"""The review pages: ``transflow serve`` (a local web app) and ``transflow report`` (static).

``model`` turns the workspace into page data (states, findings, build verdicts), ``render``
and ``sanitize`` make article text safe to show rendered, ``actions`` writes through the
review and catalog code the CLI uses, ``pages`` builds each page's context for both
``app`` (Flask) and ``report`` (Jinja2 files). Only ``app`` and ``report`` need the optional
``serve`` extra.
"""
