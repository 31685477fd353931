"""`s2sad export FILE:FUNCTION`: write the derivative of a function in a file as a
standalone module (`s2sad.export`), to standard output or to a file with `-o`."""
import argparse
from pathlib import Path

from ..api import cli
from ..errors import Error
from .export import MODES, export

_EPILOG = """examples:
  s2sad export samples/seeds.py:griewank_walther --args "1.5, 0.5" --wrt x1,x2
  s2sad export samples/networks.py:mlp_loss --args "np.ones(3), np.ones((3, 4))" -o grad.py
"""


def parser():
    p = argparse.ArgumentParser(
        prog="s2sad export", description=__doc__.split(":", 1)[1].strip(), epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("target", metavar="FILE:FUNCTION", help="the function to differentiate")
    p.add_argument("--mode", choices=MODES, default="gradient",
                   help="gradient: what grad() runs (default); reverse: the adjoint, value "
                        "and gradient; forward: the tangent; vector: the tangent in several "
                        "directions at once")
    p.add_argument("--wrt", default=None, metavar="NAME[,NAME...]",
                   help="parameters to differentiate with respect to (default: the first)")
    p.add_argument("--args", default=None, metavar="EXPR",
                   help="example arguments, a Python expression such as \"1.5, 0.5\": the "
                        "module is specialised for their kinds")
    p.add_argument("-o", "--output", default=None, metavar="OUT.py",
                   help="the file to write (default: standard output)")
    return p


def main(argv):
    args = parser().parse_args(argv)

    def write():
        fn = cli.load(args.target)
        text = export(fn, *cli.example_arguments(args.args), mode=args.mode,
                      wrt=cli.parse_wrt(args.wrt))
        if args.output is None:
            print(text, end="")
            return
        try:
            Path(args.output).write_text(text)
        except OSError as exc:
            raise Error(f"cannot write '{args.output}': {exc.strerror}.") from None
    return cli.guarded(write)
