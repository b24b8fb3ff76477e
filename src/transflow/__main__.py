"""Allow ``python -m transflow``."""

from transflow.cli import main

if __name__ == "__main__":
    main()
