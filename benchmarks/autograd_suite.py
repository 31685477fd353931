"""autograd's own test suite as a yardstick: how much of what autograd differentiates in
its tests s2sad differentiates too.

    python benchmarks/autograd_suite.py --autograd CHECKOUT          # the table, by file
    python benchmarks/autograd_suite.py --autograd CHECKOUT --tree DIR --json out.json
    python benchmarks/autograd_suite.py --autograd CHECKOUT --files test_linalg --only inv
    python benchmarks/autograd_suite.py --compare main=a.json linalg=b.json  # runs side by side

CHECKOUT is a clone of HIPS/autograd (a work tree with tests/, or a bare git directory);
the Python running this needs autograd, SciPy and pytest installed. DIR is the s2sad tree
measured (default: the one on PYTHONPATH, else this repository). The test files run as pytest would run them, with
`check_grads` and `combo_check` replaced: each check (one function, one combination of
arguments and keywords, one set of differentiated positions) runs autograd's own check,
then s2sad's derivatives of the same function (autograd_plain.py maps it to plain NumPy
and SciPy), judged by autograd_checks.py. Only the checks autograd passes count.
Calls of `grad` outside `check_grads` (asserts on a value) are not checks and are not
counted.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import traceback
import warnings
import zlib
from dataclasses import asdict, dataclass, field
from itertools import product

_HERE = os.path.dirname(os.path.abspath(__file__))
_ROOT = os.path.dirname(_HERE)
if __name__ == "__main__":
    # the s2sad measured: --tree, else the one PYTHONPATH names, else this repository's;
    # the helpers beside this file come last
    _early = argparse.ArgumentParser(add_help=False)
    _early.add_argument("--tree")
    _TREE = _early.parse_known_args()[0].tree or (None if os.environ.get("PYTHONPATH")
                                                  else _ROOT)
    sys.path[:] = ([os.path.abspath(_TREE)] if _TREE else []) + \
        [p for p in sys.path if os.path.abspath(p or ".") != _HERE] + [_HERE]

import numpy as np  # noqa: E402

import s2sad  # noqa: E402

try:
    from . import autograd_checks as checks
    from . import autograd_plain, autograd_report as report
except ImportError:                         # run as a script
    import autograd_checks as checks
    import autograd_plain
    import autograd_report as report

# the files about NumPy, linalg, FFT, complex numbers, SciPy, operators and containers of
# arrays; the others test autograd itself (core, vspaces, graphs, wrappers, tracer,
# direct/holomorphic API, ufunc dispatch to xarray)
FILES = ("test_numpy", "test_systematic", "test_linalg", "test_fft", "test_complex",
         "test_scipy", "test_binary_ops", "test_scalar_ops", "test_truediv", "test_tuple",
         "test_list", "test_dict", "test_logic", "test_jacobian")


@dataclass
class Record:
    file: str
    test: str
    index: int
    function: str
    argnums: tuple
    modes: tuple
    arguments: str
    autograd_ok: bool
    autograd_message: str
    status: str
    message: str = ""
    details: dict = field(default_factory=dict)


class Recorder:
    """Stands in for autograd's `check_grads` and `combo_check` while the tests run."""

    def __init__(self, test_util, plain, writer, timeout):
        self.test_util = test_util
        self.real_check = test_util.check_grads
        self.plain = plain
        self.writer = writer
        self.timeout = timeout
        self.records = []
        self.errors = []
        self.where = ("", "")
        self.count = 0

    def check_grads(self, fun, argnum=0, modes=("fwd", "rev"), order=2):
        def check(*args, **kwargs):
            self._check(fun, argnum, tuple(modes), order, args, kwargs)
        return check

    def combo_check(self, fun, *options, **check_kwargs):
        def combos(*arg_lists, **kwarg_lists):
            keyed = [[(k, v) for v in values] for k, values in kwarg_lists.items()]
            for args in product(*arg_lists):
                for kwargs in product(*keyed):
                    self.check_grads(fun, *options, **check_kwargs)(*args, **dict(kwargs))
        return combos

    def _check(self, fun, argnum, modes, order, args, kwargs):
        self.count += 1
        state = np.random.get_state()
        self.test_util.check_grads = self.real_check      # it calls itself for order 2
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                self.real_check(fun, argnum, list(modes), order)(*args, **kwargs)
            ok, why = True, ""
        except Exception as exc:  # noqa: BLE001 - autograd failing its own check
            ok, why = False, f"{type(exc).__name__}: {checks._first_line(exc)}"
        finally:
            self.test_util.check_grads = self.check_grads
        after = np.random.get_state()
        np.random.set_state(state)
        argnums = (argnum,) if isinstance(argnum, int) else tuple(argnum)
        seed = zlib.crc32(f"{self.where}{self.count}".encode())
        try:
            call = checks.Call(
                self.plain.value(fun), tuple(self.plain.value(a) for a in args),
                {k: self.plain.value(v) for k, v in kwargs.items()}, argnums, modes,
                self.plain.path(fun))
        except s2sad.Error as exc:           # `grad(f)` refused as it is made
            call, outcome = None, checks.Outcome(checks.REFUSED, checks._first_line(exc))
        if call is not None:
            outcome = checks.judge(call, self.writer, np.random.default_rng(seed), self.timeout)
        np.random.set_state(after)
        self.records.append(Record(
            *self.where, self.count, _named(fun, call), argnums, modes,
            _described(args, kwargs), ok, why, outcome.status, outcome.message,
            outcome.details))


def _named(fun, call):
    return call and call.path or getattr(fun, "__qualname__", None) or repr(fun)


def _described(args, kwargs):
    def one(value):
        if isinstance(value, np.ndarray):
            return f"{value.dtype.kind}{list(value.shape)}"
        if isinstance(value, (tuple, list)):
            return type(value).__name__ + "(" + ", ".join(map(one, value)) + ")"
        if isinstance(value, dict):
            return "dict(" + ", ".join(f"{k}: {one(v)}" for k, v in value.items()) + ")"
        if isinstance(value, (float, complex, int, bool, np.generic)) or value is None:
            return repr(value)
        return getattr(value, "__name__", type(value).__name__)
    return ", ".join([one(a) for a in args] + [f"{k}={one(v)}" for k, v in kwargs.items()])


def tests_folder(checkout, revision):
    """autograd's tests/: the work tree's, or exported from a bare git directory."""
    if os.path.isdir(os.path.join(checkout, "tests")):
        return os.path.join(checkout, "tests")
    target = tempfile.mkdtemp(prefix="autograd_tests_")
    archive = subprocess.run(["git", "--git-dir", checkout, "archive", revision, "tests"],
                             check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", target], input=archive, check=True)
    return os.path.join(target, "tests")


def parametrized(test):
    """`(suffix, kwargs)` for each case of a test's `pytest.mark.parametrize` marks."""
    axes = []
    for mark in getattr(test, "pytestmark", []):
        if mark.name == "parametrize":
            names = [n.strip() for n in mark.args[0].split(",")] \
                if isinstance(mark.args[0], str) else list(mark.args[0])
            values = [v if len(names) > 1 else (v,) for v in mark.args[1]]
            axes.append([dict(zip(names, v)) for v in values])
    for chosen in product(*axes):
        kwargs = {k: v for part in chosen for k, v in part.items()}
        yield ("[" + "-".join(map(str, kwargs.values())) + "]" if kwargs else ""), kwargs


def run_file(recorder, name, only=None):
    import importlib
    module = importlib.import_module(name)
    tests = [(getattr(v, "__code__", None) and v.__code__.co_firstlineno, k, v)
             for k, v in vars(module).items() if k.startswith("test") and callable(v)]
    for _, test_name, test in sorted(tests, key=lambda t: (t[0] or 0, t[1])):
        if only and not any(word in test_name for word in only):
            continue
        for suffix, kwargs in parametrized(test):
            if any(m.name in ("skip", "skipif") and (m.name == "skip" or any(m.args))
                   for m in getattr(test, "pytestmark", [])):
                continue
            recorder.where = (name, test_name + suffix)
            np.random.seed(42)                          # autograd's conftest does this
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    test(**kwargs)
            except BaseException as exc:  # noqa: BLE001 - its own asserts, pytest's fail()
                if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                    raise
                recorder.errors.append((name, test_name + suffix,
                                        f"{type(exc).__name__}: {checks._first_line(exc)}",
                                        traceback.format_exc(limit=-3)))


def parse(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--autograd", metavar="CHECKOUT",
                        help="a clone of HIPS/autograd: a work tree or a bare git directory")
    parser.add_argument("--revision", default="HEAD", help="the commit of a bare directory")
    parser.add_argument("--tree", help="the s2sad tree to measure (default: the one on "
                        "PYTHONPATH, else this repository)")
    parser.add_argument("--files", nargs="*", default=FILES, help="test files (no .py)")
    parser.add_argument("--only", action="append", metavar="WORD",
                        help="only the tests whose name contains WORD (repeatable)")
    parser.add_argument("--timeout", type=int, default=60, help="seconds a check may take")
    parser.add_argument("--json", metavar="FILE", help="write every check's record here")
    parser.add_argument("--markdown", action="store_true", help="Markdown tables")
    parser.add_argument("--compare", nargs="+", metavar="JSON",
                        help="no run: the share exact by file in runs saved with --json "
                        "(label=FILE or FILE), and in their union")
    options = parser.parse_args(argv)
    if not options.autograd and not options.compare:
        parser.error("--autograd CHECKOUT is needed (or --compare)")
    return options


def compare(names, markdown):
    runs = {}
    for name in names:
        label, _, path = name.rpartition("=")
        with open(path) as file:
            runs[label or os.path.splitext(os.path.basename(path))[0]] = json.load(file)["checks"]
    print(report.compared(runs, markdown))


def main(argv=None):
    options = parse(argv)
    if options.compare:
        return compare(options.compare, options.markdown) or 0
    import autograd.test_util
    folder = tests_folder(options.autograd, options.revision)
    sys.path.insert(0, folder)
    recorder = Recorder(autograd.test_util, autograd_plain.Plain(folder),
                        checks.Writer(tempfile.mkdtemp(prefix="s2sad_checks_")),
                        options.timeout)
    autograd.test_util.check_grads = recorder.check_grads
    autograd.test_util.combo_check = recorder.combo_check
    started = time.time()
    for name in options.files:
        run_file(recorder, name, options.only)
    heading = report.heading(s2sad, options, time.time() - started)
    print(heading)
    print(report.everything(recorder.records, recorder.errors, options.markdown))
    if options.json:
        with open(options.json, "w") as file:
            report.dump(file, [asdict(r) for r in recorder.records], recorder.errors, heading)
    return 0


if __name__ == "__main__":
    sys.exit(main())
