"""``python -m stance``: the same command line as the ``stance`` script."""

from .cli import main

if __name__ == "__main__":
    main()
