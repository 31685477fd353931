"""The benchmark: gradient-to-function time ratios for s2sad, gradients written by hand,
and the peers that are installed (autograd, PyTorch, JAX with and without jit), on one
thread, in one process, with every gradient checked before it is timed.

    python benchmarks/run.py              # the tables and the targets, as text
    python benchmarks/run.py --quick      # fewer, shorter repeats
    python benchmarks/run.py --markdown   # docs/performance.md
    python benchmarks/run.py --only loop --no-peers
    python benchmarks/run.py --markdown --processes 5   # how docs/performance.md is made

See docs/performance.md for the method and the last results.
"""
import argparse
import json
import os
import subprocess
import sys

# run as a script, this folder comes first on the path: put the repository there
# instead, so that `benchmarks` is a package and its modules shadow no others
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != _HERE]
sys.path.insert(0, os.path.dirname(_HERE))
from benchmarks.threads import one_thread  # noqa: E402

one_thread()

from benchmarks import (cases, checkpointing, document, machine, measure, peers,  # noqa: E402
                        report)


def parse(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer, shorter repeats")
    parser.add_argument("--markdown", action="store_true",
                        help="print docs/performance.md instead of text tables")
    parser.add_argument("--only", action="append", metavar="WORD",
                        help="only the functions whose label contains WORD (repeatable)")
    parser.add_argument("--no-peers", action="store_true", help="leave the peers out")
    parser.add_argument("--processes", type=int, default=1, metavar="N",
                        help="time s2sad and the hand-written code in N processes and "
                             "report the median of each ratio (default 1)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv=None):
    options = parse(argv)
    selected = [c for c in cases.cases()
                if not options.only or any(w.lower() in c.label.lower() for w in options.only)]
    if options.worker:
        ratios = {case.label: measure.ratios(case, options.quick) for case in selected}
        print(json.dumps(ratios))
        return
    load = machine.OtherLoad()
    found = {} if options.no_peers else peers.load()
    results, failures = [], {}
    for case in selected:
        print(f"measuring {case.label} ...", file=sys.stderr, flush=True)
        result = measure.measure(case, found, options.quick,
                                 tape=case.fn.__name__ == "logistic_map")
        results.append(result)
        failures.update({(case.label, k): v for k, v in result.failures.items()})
    others = [_worker(options, k) for k in range(2, options.processes + 1)]
    measure.take_medians(results, others)
    checkpoints = _checkpointing(options)
    if options.markdown:
        rows = machine.describe(peers.versions(found), load.cores())
        print(document.document(results, rows, failures, options.quick, checkpoints), end="")
    else:
        print(report.text(results, failures))
        if checkpoints:
            print("\n" + checkpointing.markdown(checkpoints))
        print(f"\nother processes kept {load.cores() or 0:.2f} cores busy on average")


def _checkpointing(options):
    """The checkpointed loops of benchmarks/checkpointing.py (10**6 and 10**4 trips, 30
    snapshots), in a full run or when `--only` names them."""
    if options.only and not any("checkpoint" in w.lower() for w in options.only):
        return []
    print("measuring checkpointed loops ...", file=sys.stderr, flush=True)
    trips = 10**5 if options.quick else 10**6
    return [checkpointing.measure(trips, 30), checkpointing.measure(trips // 100, 30, 1000)]


def _worker(options, number):
    """The ratios one more process measures: {label: {column or "f": value}}."""
    print(f"measuring in process {number} of {options.processes} ...", file=sys.stderr,
          flush=True)
    command = [sys.executable, os.path.abspath(__file__), "--worker"]
    command += ["--quick"] if options.quick else []
    for word in options.only or ():
        command += ["--only", word]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


if __name__ == "__main__":
    main()
