"""Every benchmark of bench/README.md in one go (about 6 minutes on 2 cores).

python bench/all.py
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = (
    ("poll schedule against the anchors", ["schedule.py"]),
    ("overhead of the provider server", ["overhead.py"]),
    ("fan-out: 100 assignments, T = 5 s", ["fanout.py", "--n", "100", "--t", "5"]),
    ("the provider plugin", ["plugin.py"]),
    ("faults (RELIABILITY.md)", ["faults.py"]),
    ("limits at the edges (RELIABILITY.md)", ["edges.py"]),
)


def main() -> int:
    for title, argv in SCRIPTS:
        print(f"\n## {title}: python bench/{' '.join(argv)}\n", flush=True)
        started = time.monotonic()
        done = subprocess.run([sys.executable, str(HERE / argv[0]), *argv[1:]], check=False)
        print(f"\n({time.monotonic() - started:.0f} s)", flush=True)
        if done.returncode:
            return done.returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
