"""``python -m seeds_tui``: the same as the ``seeds-tui`` command."""

from __future__ import annotations

import sys

from seeds_tui.cli import main

if __name__ == "__main__":
    sys.exit(main())
