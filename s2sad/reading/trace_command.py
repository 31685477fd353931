"""`s2sad trace FILE:FUNCTION --args ...`: print a function's evaluation trace."""
import argparse

from ..api import cli
from .trace import trace

_EPILOG = """examples:
  s2sad trace samples/seeds.py:log_sin --args "2.0, 5.0"
  s2sad trace samples/seeds.py:griewank_walther --args "1.5, 0.5" --wrt x1,x2 \\
      --direction "0.0, 1.0"
  s2sad trace samples/loops.py:FUNCTION --args "..." --format csv > trace.csv
"""


def parser():
    p = argparse.ArgumentParser(
        prog="s2sad trace", description="Run FUNCTION at the example arguments and print its "
        "evaluation trace: one row per Wengert-list variable with its value, its tangent "
        "along one input direction and its adjoint.", epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("target", metavar="FILE:FUNCTION", help="the function to trace")
    p.add_argument("--args", required=True, metavar="EXPR",
                   help="the arguments, a Python expression such as \"1.5, 0.5\" or "
                        "\"np.ones(3)\"")
    p.add_argument("--wrt", default=None, metavar="NAME[,NAME...]",
                   help="the arguments the tangent direction is over (default: the first)")
    p.add_argument("--direction", default=None, metavar="EXPR",
                   help="the tangent, one per --wrt argument (default: a unit seed on the "
                        "first), a Python expression")
    p.add_argument("--cotangent", default=None, metavar="EXPR",
                   help="the adjoint seed of the result (default 1.0; needed for an array)")
    p.add_argument("--format", choices=("text", "markdown", "csv", "json"), default="text",
                   help="text (default), markdown, csv or json (csv and json: every row, "
                        "every digit)")
    p.add_argument("--trips", type=int, default=3, metavar="N",
                   help="loops longer than 2N trips show their first and last N (text "
                        "and markdown; default 3)")
    return p


def main(argv):
    args = parser().parse_args(argv)

    def show():
        fn = cli.load(args.target)
        examples = cli.example_arguments(args.args)
        direction = _value(args.direction, "--direction")
        cotangent = _value(args.cotangent, "--cotangent")
        made = trace(fn, *examples, wrt=cli.parse_wrt(args.wrt), direction=direction,
                     cotangent=cotangent, trips=args.trips)
        print(made.format(args.format), end="")
    return cli.guarded(show)


def _value(text, option):
    """A `--direction` or `--cotangent` expression: None if not given, a tuple of several
    values as written, one value alone."""
    if text is None:
        return None
    values = cli.example_arguments(text)
    return values[0] if len(values) == 1 else values
