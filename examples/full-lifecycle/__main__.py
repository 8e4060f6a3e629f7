"""The full lifecycle: a permission set, an AccountAssignment that waits, and a bucket policy
naming the ``AWSReservedSSO_*`` role. This is the repository's top-level stack; the program lives
in ``../../__main__.py`` and runs from here with this project's config (``full-lifecycle:*``)."""

import runpy
from pathlib import Path

runpy.run_path(str(Path(__file__).resolve().parents[2] / "__main__.py"), run_name="__main__")
