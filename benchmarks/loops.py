"""The Python-loop benchmarks only (the logistic map, the loop sum of squares, the Elman
network), s2sad and by hand, without the peers: a shortcut for

    python benchmarks/run.py --no-peers --only "logistic map" --only "loop sum" --only Elman
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from benchmarks import run  # noqa: E402

if __name__ == "__main__":
    run.main(["--no-peers", "--only", "logistic map", "--only", "loop sum",
              "--only", "Elman"] + sys.argv[1:])
