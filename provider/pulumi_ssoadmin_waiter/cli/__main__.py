"""``python -m pulumi_ssoadmin_waiter.cli``: the same as ``ssoadmin-waiter``."""

import sys

from . import main

sys.exit(main())
