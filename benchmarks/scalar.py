"""The scalar benchmarks only (seed 000's f(x1, x2), the logistic map, the loop sum of
squares), s2sad and by hand, without the peers: a shortcut for

    python benchmarks/run.py --no-peers --only "seed 000" --only "logistic map" --only "loop sum"
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from benchmarks import run  # noqa: E402

if __name__ == "__main__":
    run.main(["--no-peers", "--only", "seed 000", "--only", "logistic map",
              "--only", "loop sum"] + sys.argv[1:])
