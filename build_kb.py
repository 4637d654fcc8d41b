#!/usr/bin/env python3
"""Generate the knowledge base pages: `python build_kb.py [build|check|...] --help`."""

import sys

from kb.cli import main

if __name__ == "__main__":
    sys.exit(main())
