"""Small helpers for the tests, independent of s2sad: central differences, closeness,
and modules written to files (s2sad reads source from files)."""
import importlib.util
import sys
import textwrap

import numpy as np


def _step(v):
    return 1e-6 * max(1.0, abs(float(v)))


def numeric_grad(f, args, wrt=0):
    """Central differences of scalar-valued `f(*args)` with respect to `args[wrt]`.

    `wrt` may be a position or a tuple of positions (then a tuple is returned). A float
    argument gives a float, a float array argument an array of its shape and dtype.
    For a function with an array result, use `numeric_vjp`.
    """
    if isinstance(wrt, tuple):
        return tuple(numeric_grad(f, args, w) for w in wrt)
    args = list(args)
    x = args[wrt]
    if isinstance(x, np.ndarray):
        base = np.array(x, dtype=np.float64)
        out = np.zeros(base.shape)
        for i in np.ndindex(base.shape):
            h = _step(base[i])
            plus, minus = base.copy(), base.copy()
            plus[i] += h
            minus[i] -= h
            args[wrt] = plus
            fp = float(f(*args))
            args[wrt] = minus
            fm = float(f(*args))
            out[i] = (fp - fm) / (plus[i] - minus[i])
        return out.astype(x.dtype)
    x = float(x)
    h = _step(x)
    args[wrt] = x + h
    fp = float(f(*args))
    args[wrt] = x - h
    fm = float(f(*args))
    return (fp - fm) / ((x + h) - (x - h))


def numeric_vjp(f, args, cotangent, wrt=0):
    """cotangent . J of `f` at `args` by central differences (`f` may return an array)."""
    ct = np.asarray(cotangent, dtype=np.float64)
    return numeric_grad(lambda *a: float(np.sum(ct * np.asarray(f(*a), dtype=np.float64))),
                        args, wrt)


def assert_close(a, b, rtol=1e-5, atol=1e-7):
    """`a` and `b` agree elementwise: floats, arrays (same shape) or tuples of them."""
    if isinstance(a, tuple) or isinstance(b, tuple):
        assert isinstance(a, tuple) and isinstance(b, tuple), (a, b)
        assert len(a) == len(b), (a, b)
        for x, y in zip(a, b):
            assert_close(x, y, rtol, atol)
        return
    assert np.shape(a) == np.shape(b), f"shapes differ: {np.shape(a)} vs {np.shape(b)}"
    np.testing.assert_allclose(np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64),
                               rtol=rtol, atol=atol)


def _positions(wrt):
    return wrt if isinstance(wrt, tuple) else (wrt,)


def numeric_jvp(f, args, wrt, tangents):
    """Central differences of `f` along the direction `tangents` (one per position in
    `wrt`), in float64: (f(x + h t) - f(x - h t)) / 2h."""
    positions = _positions(wrt)
    scale = max([1.0] + [float(np.max(np.abs(args[p]))) for p in positions])
    h = 1e-6 * scale

    def moved(sign):
        out = list(args)
        for p, t in zip(positions, tangents):
            if np.ndim(args[p]):
                out[p] = np.asarray(args[p], dtype=np.float64) + sign * h * t
            else:
                out[p] = float(args[p]) + sign * h * t
        return out
    plus = np.asarray(f(*moved(1)), dtype=np.float64)
    minus = np.asarray(f(*moved(-1)), dtype=np.float64)
    return (plus - minus) / (2 * h)


def random_tangents(args, wrt, seed):
    """A random direction for each differentiated argument, shaped like it."""
    rng = np.random.default_rng(seed)
    return tuple(rng.normal(size=np.shape(args[p])) if isinstance(args[p], np.ndarray)
                 else float(rng.normal()) for p in _positions(wrt))


def module_from(tmp_path, name, source):
    """A module written to a file (s2sad reads the source) and imported."""
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(source))
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def run_in(module, tmp_path, label, source):
    """Run more code in the module's namespace, from a file of its own (a notebook cell
    run again)."""
    path = tmp_path / f"{module.__name__}_{label}.py"
    path.write_text(textwrap.dedent(source))
    exec(compile(path.read_text(), str(path), "exec"), vars(module))


def run_cli(capsys, *argv):
    """The command line's exit status (argparse exits for --help, --version and bad
    usage), standard output and standard error, run in-process."""
    from s2sad.api.cli import main
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err
