"""`s2sad FILE:FUNCTION`: print the generated derivative code of a function in a file.

`s2sad COMMAND ...` runs one of the other commands in `COMMANDS` instead; each lives in
its own module with a `main(argv)` and shares the loading of FILE:FUNCTION and of the
example arguments with this one.
"""
import argparse
import importlib
import importlib.machinery
import importlib.util
import math
import sys
import types
from pathlib import Path

import numpy as np

from ..version import __version__
from ..errors import Error
from .public import MODES, grad, source

# command name -> module (in s2sad) whose main(argv) runs it, and what it does
COMMANDS = {
    "trace": ("..reading.trace_command", "print a function's evaluation trace (values, "
              "tangents and adjoints of its Wengert list)"),
    "export": ("..reading.export_command", "write the derivative as a standalone module that "
               "runs without s2sad"),
}

_EPILOG = """examples:
  s2sad samples/seeds.py:griewank_walther
  s2sad samples/seeds.py:griewank_walther --mode wengert
  s2sad samples/seeds.py:griewank_walther --mode forward --wrt x1,x2
  s2sad samples/seeds.py:griewank_walther --mode hessian
  s2sad samples/networks.py:mlp_loss --args "np.ones(3), np.ones((3, 4))" --wrt x,w
  s2sad samples/seeds.py:griewank_walther --mode gradient --backend numba

FILE is imported: its top-level code runs, as under `python FILE` (with FILE's folder
first on sys.path), except its `if __name__ == "__main__":` block, since the module is
not named __main__. FILE need not end in .py.
"""


def parser():
    p = argparse.ArgumentParser(
        prog="s2sad", description=__doc__.split(":", 1)[1].split("\n\n")[0].strip(),
        epilog=_EPILOG + "".join(f"\n`s2sad {name} --help`: {what}"
                                 for name, (_, what) in COMMANDS.items()),
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    p.add_argument("target", metavar="FILE:FUNCTION", help="the function to differentiate")
    p.add_argument("--mode", choices=MODES + ("hessian",), default="reverse",
                   help="reverse: the adjoint (default); gradient: the adjoint without the "
                        "value, what grad() runs; forward: the tangent; vector: the tangent "
                        "in several directions at once; wengert: the Wengert list; "
                        "hessian: the tangent of the gradient, which gives H v (what "
                        "hvp() runs; hessian() runs it in all directions at once)")
    p.add_argument("--wrt", default=None, metavar="NAME[,NAME...]",
                   help="parameters to differentiate with respect to (default: the first)")
    p.add_argument("--args", default=None, metavar="EXPR",
                   help="example arguments, a Python expression such as \"1.5, 0.5\" or "
                        "\"np.ones(3)\": the code is specialised for their kinds")
    p.add_argument("--lines", action="store_true",
                   help="end each generated statement with a comment naming the line of "
                        "FILE it comes from (# model.py:12)")
    p.add_argument("--backend", choices=("python", "numba"), default="python",
                   help="numba: the numba dialect of the derivative, what backend=\"numba\" "
                        "compiles (docs/compiled.md)")
    return p


class _SourceLoader(importlib.machinery.SourceFileLoader):
    """Reads FILE as Python source whatever its name ends with, and, as `python FILE`
    does, caches no bytecode of it (a file without .py would get `FILEcpython-3xx.pyc`)."""

    def set_data(self, path, data, *args, **kwargs):
        pass


def load(target):
    """The function named by `FILE:FUNCTION`."""
    path, sep, function = target.rpartition(":")
    if not sep or not path or not function:
        raise Error(f"'{target}' is not FILE:FUNCTION; write e.g. samples/seeds.py:f.")
    file = Path(path)
    if not file.is_file():
        raise Error(f"no such file: '{path}'.")
    name = "_s2sad_cli_" + "".join(c if c.isalnum() else "_" for c in file.stem)
    loader = _SourceLoader(name, path)
    module = importlib.util.module_from_spec(
        importlib.util.spec_from_file_location(name, path, loader=loader))
    sys.modules[name] = module
    # as `python FILE` does, so that the file can import the modules beside it
    sys.path.insert(0, str(file.resolve().parent))
    try:
        loader.exec_module(module)
    except SyntaxError as exc:
        raise Error(f"{path}:{exc.lineno}: syntax error: {exc.msg}.") from None
    except SystemExit as exc:
        code = "" if exc.code is None else repr(exc.code)
        raise Error(f"{_top_level_statement(exc, path)}: the file's top-level code called "
                    f"sys.exit({code}) when s2sad imported it; put that code under "
                    f"`if __name__ == \"__main__\":`.") from None
    except Exception as exc:
        raise Error(f"importing '{path}' failed: {type(exc).__name__}: {exc}.") from None
    fn = getattr(module, function, None)
    if fn is None:
        names = sorted(n for n, v in vars(module).items()
                       if isinstance(v, types.FunctionType) and v.__module__ == name)
        raise Error(f"'{path}' defines no function '{function}'; its functions: "
                    f"{', '.join(names) or 'none'}.")
    if not isinstance(fn, types.FunctionType):
        raise Error(f"'{function}' in '{path}' is a {type(fn).__name__}, not a function.")
    return fn


def _top_level_statement(exc, path):
    """`path:line` of the file's top-level statement that led to `exc`."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename != path:
        tb = tb.tb_next
    return path if tb is None else f"{path}:{tb.tb_lineno}"


def example_arguments(text):
    if text is None:
        return ()
    try:
        value = eval(text, {"np": np, "numpy": np, "math": math})  # the user's own input
    except Exception as exc:
        raise Error(f"--args {text!r} is not a Python expression of values: {exc}.") from None
    return value if isinstance(value, tuple) else (value,)


def parse_wrt(text):
    """`--wrt a,b` as `wrt=`: the first parameter when not given, a name, or a tuple."""
    wrt = 0 if text is None else tuple(text.split(","))
    if isinstance(wrt, tuple) and len(wrt) == 1:
        wrt = wrt[0]
    return wrt


def guarded(body):
    """Run `body()`, which prints what the command shows; an s2sad error becomes one
    `s2sad: error:` line and exit status 1, and sys.path, which loading FILE extends,
    is put back."""
    path = list(sys.path)
    try:
        body()
    except Error as exc:
        print(f"s2sad: error: {exc}", file=sys.stderr)
        return 1
    finally:
        sys.path[:] = path
    return 0


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] in COMMANDS:
        module = importlib.import_module(COMMANDS[argv[0]][0], __package__)
        return module.main(argv[1:])
    args = parser().parse_args(argv)

    def show():
        fn = load(args.target)
        wrt = parse_wrt(args.wrt)
        examples = example_arguments(args.args)
        if args.mode == "hessian":
            text = source(grad(fn, wrt), *examples, mode="forward", wrt=wrt,
                          lines=args.lines, backend=args.backend)
        else:
            text = source(fn, *examples, mode=args.mode, wrt=wrt, lines=args.lines,
                          backend=args.backend)
        print(text, end="")
    return guarded(show)


if __name__ == "__main__":
    sys.exit(main())
