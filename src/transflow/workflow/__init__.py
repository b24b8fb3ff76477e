"""Orchestration of formats, catalogs, engines and checks. Never prints, never reads env vars.

Each command lives in its own module and returns a report dataclass; side effects that tests
replace (the clock, the progress callback, the translation engine) are parameters.
"""
