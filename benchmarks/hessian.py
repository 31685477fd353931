"""Second derivatives: the time of a Hessian-vector product over the time of the same
tool's gradient, and the time of a whole Hessian of 50 parameters, for s2sad and the
peers that are installed (JAX with and without jit, autograd), on one thread.

    python benchmarks/hessian.py              # the tables and the aim
    python benchmarks/hessian.py --quick      # fewer, shorter repeats
    python benchmarks/hessian.py --no-peers   # s2sad alone

The products are taken on two functions of benchmarks/run.py: Rosenbrock at n = 10,000
and the MLP's negative log-likelihood (in all four of its parameters, so the direction
is a tuple); the Hessian is that of the logistic negative log-likelihood with 50
features. Every product and Hessian is checked before it is timed
(benchmarks/second_order_cases.py). Each time is the median over rounds, as in
benchmarks/run.py (benchmarks/timing.py), and a ratio divides by the gradient of the
same tool, timed in the same rounds. The aim: s2sad's H v within 3x its gradient.
"""
import argparse
import os
import sys

# run as a script, this folder comes first on the path: put the repository there instead
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != _HERE]
sys.path.insert(0, os.path.dirname(_HERE))
from benchmarks.threads import one_thread  # noqa: E402

one_thread()

from benchmarks import check, report, second_order, second_order_cases, timing  # noqa: E402

AIM = 3.0


def measured(problem, tools, quick):
    """{label: {"grad": seconds, "hvp" or "hessian": seconds}} and the function's time."""
    member = "hessian" if problem.hand_hessian else "hvp"
    calls = {"f": (problem.fn, problem.args)}
    for label, tool in tools.items():
        calls[(label, "grad")] = (tool.grad, ())
        calls[(label, member)] = (getattr(tool, member), ())
    times = timing.compare(calls, quick)
    f_seconds = times.pop("f")
    found = {}
    for (label, what), seconds in times.items():
        found.setdefault(label, {})[what] = seconds
    return found, f_seconds


def runnable(problem, tools):
    """The tools that pass the checks, and {label: why} for the peers that raise (a peer
    may fail in any way on a function it cannot do); a wrong result stops the run."""
    passed, failed = {}, {}
    for label, tool in tools.items():
        try:
            second_order_cases.checked(problem, {label: tool})
        except check.Disagreement:
            raise
        except Exception as exc:
            if label.startswith("s2sad"):
                raise
            failed[label] = f"fails: {type(exc).__name__}"
        else:
            passed[label] = tool
    return passed, failed


def table(problem, found, f_seconds, absent):
    member = "hessian" if problem.hand_hessian else "hvp"
    title = "Hessian" if problem.hand_hessian else "H v"
    header = ["tool", "gradient", title, f"{title} / gradient"]
    rows = [[label, report.duration(t["grad"]), report.duration(t[member]),
             report.ratio(t[member] / t["grad"])] for label, t in found.items()]
    rows += [[label, why, "", ""] for label, why in absent.items()]
    return (f"{problem.label} (f: {report.duration(f_seconds)})\n" +
            report.text_table(header, rows))


def aim(results):
    """The issue's aim for s2sad's product, problem by problem."""
    ratios = [(problem.label, found["s2sad"]["hvp"] / found["s2sad"]["grad"])
              for problem, found, *_ in results if not problem.hand_hessian]
    met = all(r <= AIM for _, r in ratios)
    shown = "; ".join(f"{label}: {report.ratio(r)}" for label, r in ratios)
    return f"{'met' if met else 'not met':8} s2sad hvp() <= {AIM:g}x s2sad grad(): {shown}"


def parse(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer, shorter repeats")
    parser.add_argument("--no-peers", action="store_true", help="leave the peers out")
    return parser.parse_args(argv)


def main(argv=None):
    options = parse(argv)
    results, versions = [], {}
    for problem in second_order_cases.problems():
        print(f"measuring {problem.label} ...", file=sys.stderr, flush=True)
        tools, absent = second_order.s2sad_tools(problem), {}
        if not options.no_peers:
            peers, versions = second_order.peer_tools(problem)
            absent = {label: "not installed" for label, tool in peers.items() if tool is None}
            tools.update({label: tool for label, tool in peers.items() if tool is not None})
        tools, failed = runnable(problem, second_order_cases.offering(problem, tools))
        absent.update(failed)
        results.append((problem, *measured(problem, tools, options.quick), absent))
    print("\n\n".join(table(*result) for result in results) + "\n")
    shown = {label for _, found, _, absent in results for label in [*found, *absent]}
    for label, what in second_order.LEGEND.items():
        if label in shown:
            print(f"{label}: {what}")
    print(f"\naim\n  {aim(results)}")
    if versions:
        print("peers: " + ", ".join(f"{name} {version or 'not installed'}"
                                     for name, version in versions.items()))


if __name__ == "__main__":
    main()
