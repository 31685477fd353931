"""Dask arrays as data and differentiated arguments (api/lazy.py, runtime_dask.py): the
gradient, tangent and cotangent come back as lazy Dask arrays, nothing is computed until
asked, and the numbers are those of the NumPy derivative and of central differences; what
Dask cannot run lazily is a located error."""
import os
import subprocess
import sys
from pathlib import Path

import dask
import dask.array as da
import numpy as np
import pytest
from dask.distributed import Client
from util import assert_close, numeric_grad, numeric_jvp, numeric_vjp

import s2sad
from s2sad import runtime, runtime_dask

RNG = np.random.default_rng(7)
ROOT = Path(__file__).resolve().parents[2]


def logistic(w, X, y):
    margin = (2 * y - 1) * (X @ w)
    return np.sum(np.logaddexp(0.0, -margin)) / len(y)


def row_bias(b, X):
    return np.sum(np.tanh(X + b) ** 2)


def column_bias(c, X):
    return np.sum(np.sin(X * c))


def gather(W, idx, x):
    return np.sum(np.sin(W[idx]) * x)


def shifted(x):
    y = np.zeros_like(x)
    y[1:] = x[:-1] * 2.0
    y[0] = x[-1]
    return np.sum(y ** 3)


def looped(x, c):
    s = 0.0
    for i in range(3):
        x = np.sin(x) * c
        s = s + np.sum(x)
    return s


def branched(x, c):
    if c > 0:
        z = np.exp(x * c)
    else:
        z = np.cos(x)
    return np.sum(z * x)


def _energy(x, c):
    return np.sum(np.sqrt(x) * x) * c


def helped(x, c):
    return _energy(x * x + 1.0, c) + np.sum(x)


def elementwise(w, X):
    return np.tanh(X * w)


X8 = RNG.normal(size=(8, 3))
CASES = [  # function, arguments, wrt, chunks of each array argument (None: in memory)
    (logistic, (RNG.normal(size=3), X8, (RNG.random(8) > 0.5) * 1.0), 0, (None, 4, 4)),
    (logistic, (RNG.normal(size=3), X8, (RNG.random(8) > 0.5) * 1.0), (0, 1), (2, 4, 4)),
    (row_bias, (RNG.normal(size=3), X8), 0, (3, (4, 2))),
    (column_bias, (RNG.normal(size=(8, 1)), X8), (0, 1), ((4, 1), (4, 3))),
    (gather, (RNG.normal(size=(5, 3)), np.array([0, 2, 2, 4, 0, 0]),
              RNG.normal(size=(6, 3))), 0, ((2, 3), None, (3, 3))),
    (shifted, (RNG.normal(size=7),), 0, (3,)),
    (looped, (RNG.normal(size=7), 1.3), (0, 1), (3, None)),
    (branched, (RNG.normal(size=6), 0.7), 0, (4, None)),
    (branched, (RNG.normal(size=6), -0.7), 0, (4, None)),
    (helped, (RNG.normal(size=6), 1.5), (0, 1), (2, None)),
]


def lazy_args(args, chunks):
    return tuple(a if c is None else da.from_array(a, chunks=c) for a, c in zip(args, chunks))


def never_computed(dsk, keys, **kwargs):
    raise AssertionError("a Dask array was computed while the derivative was made")


def as_tuple(value):
    return value if isinstance(value, tuple) else (value,)


def computed(values):
    """Each value, checked lazy, then computed (a 0-d array as a float)."""
    for value in values:
        assert isinstance(value, da.Array), type(value)
    out = dask.compute(*values)
    return tuple(np.asarray(v)[()] if np.ndim(v) == 0 else v for v in out)


@pytest.mark.parametrize("fn, args, wrt, chunks", CASES,
                         ids=[f"{c[0].__name__}-{i}" for i, c in enumerate(CASES)])
def test_grad_is_lazy_and_exact(fn, args, wrt, chunks):
    given = lazy_args(args, chunks)
    with dask.config.set(scheduler=never_computed):
        grads = as_tuple(s2sad.grad(fn, wrt=wrt)(*given))
        value, again = s2sad.value_and_grad(fn, wrt=wrt)(*given)
    got = computed(grads)
    assert_close(got, as_tuple(s2sad.grad(fn, wrt=wrt)(*args)), rtol=1e-10, atol=1e-12)
    assert_close(got, as_tuple(numeric_grad(fn, args, wrt)))
    assert_close(computed(as_tuple(again)), got, rtol=1e-12, atol=0)
    assert_close(float(computed([value])[0]), float(fn(*args)), rtol=1e-12)
    for p, g in zip(as_tuple(wrt), got):
        assert np.shape(g) == np.shape(args[p])


@pytest.mark.parametrize("fn, args, wrt, chunks", CASES[::2],
                         ids=[f"{c[0].__name__}-{2 * i}" for i, c in enumerate(CASES[::2])])
def test_jvp_is_lazy_and_exact(fn, args, wrt, chunks):
    p = as_tuple(wrt)[0]
    tangent = RNG.normal(size=np.shape(args[p])) if np.ndim(args[p]) else 0.6
    given = lazy_args(args, chunks)
    with dask.config.set(scheduler=never_computed):
        value, out = s2sad.jvp(fn, wrt=p)(*given, tangent)
    value, out = computed([value, out])
    assert_close(out, numeric_jvp(fn, args, p, (tangent,)))
    assert_close(out, s2sad.jvp(fn, wrt=p)(*args, tangent)[1], rtol=1e-10, atol=1e-12)


def test_jvp_along_a_number_beside_dask_data():
    x, c = CASES[6][1]
    with dask.config.set(scheduler=never_computed):
        value, out = s2sad.jvp(looped, wrt=1)(da.from_array(x, chunks=3), c, 0.5)
    value, out = computed([value, out])
    assert_close(out, numeric_jvp(looped, (x, c), 1, (0.5,)))
    assert_close(value, looped(x, c), rtol=1e-12)


@pytest.mark.parametrize("wrt", [0, 1])
def test_vjp_and_jvp_of_an_array_result(wrt):
    w, X = RNG.normal(size=3), RNG.normal(size=(8, 3))
    cotangent, tangent = RNG.normal(size=(8, 3)), RNG.normal(size=np.shape((w, X)[wrt]))
    given = (da.from_array(w), da.from_array(X, chunks=(4, 3)))
    with dask.config.set(scheduler=never_computed):
        value, back = s2sad.vjp(elementwise, wrt=wrt)(*given, da.from_array(cotangent))
        _, forward = s2sad.jvp(elementwise, wrt=wrt)(*given, tangent)
    value, back, forward = computed([value, back, forward])
    assert_close(value, elementwise(w, X), rtol=1e-12)
    assert_close(back, numeric_vjp(elementwise, (w, X), cotangent, wrt))
    assert_close(forward, numeric_jvp(elementwise, (w, X), wrt, (tangent,)))


def test_the_derivative_names_the_dask_forms():
    W, idx, x = CASES[4][1]
    listing = s2sad.source(gather, da.from_array(W), idx, da.from_array(x))
    assert "add_at(W_bar, idx, t1_bar)" in listing and "np.add.at" not in listing
    assert "np.add.at(W_bar, idx, t1_bar)" in s2sad.source(gather, W, idx, x)


# ---------------------------------------------------------------- the run-time helpers

@pytest.mark.parametrize("g_shape, x_shape", [((4, 3), (3,)), ((4, 3), (1, 3)),
                                              ((4, 3), (4, 1)), ((2, 4, 3), ()),
                                              ((4, 3), (4, 3))])
def test_unbroadcast_keeps_dask_lazy(g_shape, x_shape):
    g, x = RNG.normal(size=g_shape), RNG.normal(size=x_shape)
    out = runtime.unbroadcast(da.from_array(g, chunks=2), da.from_array(x))
    assert isinstance(out, da.Array)
    assert_close(out.compute(), runtime.unbroadcast(g, x), rtol=1e-12)


@pytest.mark.parametrize("index", [np.array([0, 2, 2, 4, 0]), (np.array([1, 1, 3]), 2),
                                   (slice(1, 3), np.array([0, 0]))])
def test_add_at_sums_repeated_positions(index):
    a = RNG.normal(size=(5, 3))
    v = RNG.normal(size=np.zeros((5, 3))[index].shape)
    expected = a.copy()
    np.add.at(expected, index, v)
    lazy = da.from_array(a, chunks=2)
    runtime_dask.add_at(lazy, index, da.from_array(v))
    assert isinstance(lazy, da.Array)
    assert_close(lazy.compute(), expected, rtol=1e-12)


def test_add_at_in_memory_stays_in_memory():
    a, index, v = np.zeros(4), np.array([1, 1, 3]), np.ones(3)
    runtime_dask.add_at(a, index, v)
    assert type(a) is np.ndarray and list(a) == [0.0, 2.0, 0.0, 1.0]
    with pytest.raises(TypeError, match="into an in-memory array"):
        runtime_dask.add_at(a, index, da.ones(3))


def test_helpers_with_dask_forms_agree_with_numpy():
    num, den = np.array([0.0, 1.0, 2.0, 0.0]), np.array([0.0, 0.0, 4.0, 3.0])
    lazy = [da.from_array(a, chunks=2) for a in (num, den)]
    pairs = [(runtime.safe_divide, (num, den)), (runtime.xlogy, (num, den)),
             (runtime.xpow, (num, den, np.array(0.5)))]
    for helper, args in pairs:
        form = runtime_dask.FORMS[helper]
        out = form(*lazy, *args[2:])
        assert isinstance(out, da.Array)
        assert_close(out.compute(), helper(*args), rtol=1e-12)
    g, index = RNG.normal(size=5), np.array([1, 3, 1])
    out = runtime_dask.written_last(da.from_array(g), index)
    assert_close(out.compute(), runtime.written_last(g, index), rtol=1e-12)
    out = runtime_dask.tangent_buffer(da.from_array(np.ones(3)), np.zeros((2, 3)))
    assert_close(out.compute(), runtime.tangent_buffer(np.ones(3), np.zeros((2, 3))))


# ---------------------------------------------------------------- what is refused

def sorted_weights(x):
    return np.sum(np.sort(x) * np.arange(6.0))


def test_an_operation_dask_lacks_is_refused_at_its_line():
    with pytest.raises(s2sad.UnsupportedError, match="numpy.sort. function is not "
                       "implemented by Dask array") as caught:
        s2sad.grad(sorted_weights)(da.from_array(RNG.normal(size=6), chunks=3))
    assert caught.value.line == sorted_weights.__code__.co_firstlineno + 1


def test_a_lazy_index_and_an_unknown_shape_are_refused():
    W, idx, x = CASES[4][1]
    with pytest.raises(s2sad.UnsupportedError, match="index that is a Dask array"):
        s2sad.grad(gather)(da.from_array(W), da.from_array(idx), da.from_array(x))
    unknown = da.from_array(x.ravel(), chunks=6)
    unknown = unknown[unknown > 0]
    with pytest.raises(s2sad.ArgumentError, match="unknown shape"):
        s2sad.grad(shifted)(unknown)


def test_matrices_and_central_differences_are_refused():
    w, X, y = (da.from_array(a) for a in CASES[0][1])
    for call in (lambda: s2sad.jacobian(elementwise)(w, X),
                 lambda: s2sad.hessian(logistic)(w, X, y),
                 lambda: s2sad.check_grads(logistic, (w, X, y))):
        with pytest.raises(s2sad.UsageError, match="Dask arrays among the arguments"):
            call()


def pair_loss(pair):
    a, b = pair
    return np.sum(a * b)


def test_containers_of_dask_arrays_are_refused():
    with pytest.raises(s2sad.UnsupportedError, match="container"):
        s2sad.grad(pair_loss)((da.ones(3), da.ones(3)))


# ---------------------------------------------------------------- on a cluster

def test_the_gradient_computes_on_a_distributed_client():
    w, X, y = CASES[0][1]
    with Client(processes=False, n_workers=1, threads_per_worker=2,
                            dashboard_address=None) as client:
        lazy = s2sad.grad(logistic)(w, da.from_array(X, chunks=4), da.from_array(y, chunks=4))
        future = client.compute(lazy)
        assert_close(future.result(), s2sad.grad(logistic)(w, X, y), rtol=1e-12)


def test_s2sad_runs_without_dask(tmp_path):
    """Dask is imported only when a Dask array is passed: with it missing, NumPy
    derivatives run as before."""
    code = ("import sys; sys.modules['dask'] = None\n"
            "import numpy as np, s2sad\n"
            "def f(x):\n    return np.sum(np.sin(x) * x)\n"
            "x = np.linspace(0.0, 1.0, 5)\n"
            "assert np.allclose(s2sad.grad(f)(x), np.sin(x) + x * np.cos(x))\n"
            "assert 'dask' not in [m.split('.')[0] for m in sys.modules if sys.modules[m]]\n")
    script = tmp_path / "without_dask.py"
    script.write_text(code)
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                         cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert out.returncode == 0, out.stderr


def test_numba_backend_refuses_dask_arguments_and_auto_runs_them_lazily():
    w, X = np.array([0.5, -1.0]), np.arange(8.0).reshape(4, 2) / 8
    with pytest.raises(s2sad.UsageError, match="numba compiles no Dask array"):
        s2sad.grad(row_bias, backend="numba")(w, da.from_array(X, chunks=2))
    gradient = s2sad.grad(row_bias, backend="auto")(w, da.from_array(X, chunks=2))
    assert isinstance(gradient, da.Array)
    assert_close(gradient.compute(), s2sad.grad(row_bias)(w, X))


def test_threads_leave_the_warning_filters_as_they_were():
    """Each derivative call with Dask arguments turns Dask's fallback warning into an error
    while it runs; calls from several threads at once must not leave that filter behind
    (catch_warnings saves and restores the process's one list of filters), and each must
    still refuse what Dask lacks."""
    import threading
    import warnings
    before = list(warnings.filters)
    w, X, y = CASES[0][1]
    args = lazy_args((w, X, y), (None, 4, 4))
    grad = s2sad.grad(logistic)
    expected = computed(as_tuple(grad(*args)))[0]
    failures = []

    def work():
        try:
            for _ in range(40):
                assert_close(computed(as_tuple(grad(*args)))[0], expected)
                with pytest.raises(s2sad.UnsupportedError, match="not implemented by Dask"):
                    s2sad.grad(sorted_weights)(da.from_array(w, chunks=3))
        except BaseException as exc:  # reported below, from the main thread
            failures.append(exc)
    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, failures[0]
    assert warnings.filters == before
