"""``python -m console``: the same program as ``vendor-console``."""

import sys

from console.cli import main

sys.exit(main())
