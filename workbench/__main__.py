import sys

from workbench.cli import main

if __name__ == "__main__":  # not when a worker process of the Datenschutz-Check imports it
    sys.exit(main())
