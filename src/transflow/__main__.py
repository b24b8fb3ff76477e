"""Allow ``python -m transflow``."""

from transflow.cli import run

if __name__ == "__main__":
    run()
