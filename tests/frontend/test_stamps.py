"""A cached derivative is rebuilt when anything it was built from changes (stamps.py,
cache.py): the code of the function and of every function it calls, what the names it
reads mean, and the kinds of the values they hold. Caches live on the functions they
belong to, hold a bounded number of entries, and serve threads that derive at once.
"""
import gc
import linecache
import math
import sys
import threading
import weakref

import numpy as np
import pytest

import s2sad
from s2sad.api import derivative
from s2sad.syntax import compile as compiling
from util import module_from, numeric_grad, run_in


def called_often(derived, *args):
    """Call enough times for the fast path to be in place, and return the result."""
    for _ in range(3):
        result = derived(*args)
    return result


@pytest.fixture
def notebook(tmp_path):
    module = module_from(tmp_path, "stamps_notebook", """
        import math
        import numpy as np

        def sq(x):
            return x * x

        def top(x):
            return sq(x) + x
    """)
    yield module
    sys.modules.pop(module.__name__, None)


def test_a_redefined_helper_is_seen_by_the_same_and_a_fresh_derivative(notebook, tmp_path):
    """(30.0, 7.0) before: the value from the new `sq`, the gradient from the old."""
    derived = s2sad.value_and_grad(notebook.top)
    assert called_often(derived, 3.0) == (12.0, 7.0)
    run_in(notebook, tmp_path, "cell2", """
        def sq(x):
            return x * x * x
    """)
    assert called_often(derived, 3.0) == (30.0, 28.0)
    assert s2sad.value_and_grad(notebook.top)(3.0) == (30.0, 28.0)
    assert s2sad.jvp(notebook.top)(3.0, 1.0) == (30.0, 28.0)
    assert "x * x * x" not in s2sad.source(notebook.top, 3.0)  # the helper's own code


def test_a_swapped_code_object_is_seen(notebook, tmp_path):
    """What IPython's autoreload does to a function it reloads."""
    derived = s2sad.grad(notebook.top)
    assert called_often(derived, 2.0) == 5.0
    run_in(notebook, tmp_path, "reloaded", """
        def sq4(x):
            return x * x * x * x

        def double(x):
            return 2.0 * x
    """)
    notebook.sq.__code__ = notebook.sq4.__code__
    assert called_often(derived, 2.0) == 33.0
    notebook.top.__code__ = notebook.double.__code__
    assert derived(2.0) == 2.0


def test_changed_defaults_of_a_helper_are_seen(tmp_path):
    module = module_from(tmp_path, "stamps_defaults", """
        def power(x, p=2.0):
            return x ** p

        def top(x):
            return power(x)
    """)
    derived = s2sad.grad(module.top)
    assert called_often(derived, 3.0) == 6.0
    module.power.__defaults__ = (3.0,)
    assert called_often(derived, 3.0) == 27.0


def test_changed_defaults_and_parameters_of_the_function_itself_are_seen(tmp_path):
    """A call binds its arguments by the signature the function has now: a new default
    was passed as the old one (2.0, not 5.0), and a parameter autoreload added was
    not there to bind."""
    module = module_from(tmp_path, "stamps_own_defaults", """
        import functools

        def scaled(x, k=2.0):
            return k * x

        def more(x, k=4.0, m=0.5):
            return k * x + m * x * x

        def doubled(fn):
            @functools.wraps(fn)
            def wrapper(*args, **kwargs):
                return 2.0 * fn(*args, **kwargs)
            return wrapper

        @doubled
        def wrapped(x, k=1.5):
            return k * x * x
    """)
    derived, vjp, jvp = (s2sad.grad(module.scaled), s2sad.vjp(module.scaled),
                         s2sad.jvp(module.scaled))
    assert called_often(derived, 1.0) == 2.0 and called_often(vjp, 1.0, 1.0) == (2.0, 2.0)
    module.scaled.__defaults__ = (5.0,)
    assert called_often(derived, 1.0) == 5.0
    assert called_often(vjp, 1.0, 1.0) == (5.0, 5.0)
    assert called_often(jvp, 1.0, 1.0) == (5.0, 5.0)
    module.scaled.__code__ = module.more.__code__
    module.scaled.__defaults__ = module.more.__defaults__
    assert called_often(derived, 1.0) == 5.0
    assert called_often(derived, 1.0, 2.0, 0.0) == 2.0
    assert called_often(vjp, 1.0, 1.0) == (4.5, 5.0)
    assert called_often(jvp, 1.0, 1.0) == (4.5, 5.0)
    outer = s2sad.grad(module.wrapped)
    assert called_often(outer, 1.0) == 6.0
    module.wrapped.__wrapped__.__defaults__ = (3.0,)
    assert called_often(outer, 1.0) == 12.0


def test_a_file_edited_after_import_is_refused_until_the_module_is_reloaded(tmp_path):
    """s2sad reads the text of the file, Python runs what it compiled at import: with
    the helper edited on disk (`x * x` to `x * x * x`) and not reloaded, the derivative
    would be of the new text and the value of the old code (5.0 at 2.0, where f' of the
    code that runs is 5.0 and of the text 13.0). Reloaded, both are the new code."""
    helpers = module_from(tmp_path, "stamps_edited_helpers", """
        def sq(x):
            return x * x
    """)
    user = module_from(tmp_path, "stamps_edited_user", """
        import stamps_edited_helpers

        def top(x):
            return stamps_edited_helpers.sq(x) + x
    """)
    (tmp_path / "stamps_edited_helpers.py").write_text(
        "\ndef sq(x):\n    return x * x * x  # edited, not reloaded\n")
    with pytest.raises(s2sad.SourceError, match=r"stamps_edited_helpers.py:2: the source "
                       r"of 'sq' in this file is not the code Python runs.*reload"):
        s2sad.grad(user.top)(2.0)
    path = tmp_path / "stamps_edited_helpers.py"
    exec(compile(path.read_text(), str(path), "exec"), vars(helpers))  # what reload does
    assert called_often(s2sad.grad(user.top), 2.0) == 13.0
    assert user.top(2.0) == 10.0


def test_the_source_of_closures_decorated_and_imported_names_is_the_code_that_runs():
    """What the text alone cannot know (a free name is a closure cell, a module name is
    an import, a function has run and been specialised) is not taken for an edit."""
    def make(a):
        def helper(t):
            return t * a

        def inner(x):
            return helper(x) + a * np.sum(np.ones(3) * x) + math.sin(x)
        return inner

    inner = make(2.0)
    for _ in range(50):
        inner(0.3)
    assert s2sad.grad(inner)(0.3) == pytest.approx(2.0 + 6.0 + math.cos(0.3))


def test_a_global_that_turns_from_a_float_into_an_array(tmp_path):
    """TypeError from the generated code before: it was built for a float `C`."""
    module = module_from(tmp_path, "stamps_kinds", """
        import numpy as np
        C = 2.0

        def h(x):
            return np.sum(np.sin(C * x))
    """)
    derived = s2sad.grad(module.h)
    assert called_often(derived, 0.5) == pytest.approx(2.0 * math.cos(1.0))
    module.C = np.array([1.0, 2.0, 3.0])
    assert called_often(derived, 0.5) == pytest.approx(numeric_grad(module.h, (0.5,)))
    module.C = np.array([[1.0, 2.0], [3.0, 4.0]])
    assert called_often(derived, 0.5) == pytest.approx(numeric_grad(module.h, (0.5,)))


def test_a_global_rebound_to_an_array_read_in_a_loop(tmp_path):
    """The derived functions noticed the new kind and rebuilt, but building failed with
    TypeError: unhashable type: 'numpy.ndarray' (the atom of the constant hashed its value
    while the loop's temporaries were recomputed). Reduced from a fuzzed program."""
    module = module_from(tmp_path, "stamps_loop", """
        import math
        import numpy as np
        K = 0.5

        def f(x, v):
            a = x
            for i in range(3):
                for e in np.sin(v * K):
                    x, a = a, math.sin(e)
            return 0.5 * x + x * a + np.sum(v * v)
    """)
    x, v, t = 0.3, np.array([0.2, 0.5, 0.9]), (0.5, np.array([1.0, -1.0, 2.0]))
    reverse, gradient, forward = (s2sad.vjp(module.f, (0, 1)), s2sad.grad(module.f, (0, 1)),
                                  s2sad.jvp(module.f, (0, 1)))
    for constant in (0.5, np.array([0.5, 0.25, 0.75])):
        module.K = constant
        want = numeric_grad(module.f, (x, v), (0, 1))
        for got in (called_often(reverse, x, v, 1.0)[1], called_often(gradient, x, v),
                    s2sad.grad(module.f, (0, 1))(x, v)):
            assert got[0] == pytest.approx(want[0], rel=1e-6, abs=1e-9)
            np.testing.assert_allclose(got[1], want[1], rtol=1e-6)
        slope = want[0] * t[0] + np.dot(want[1], t[1])
        assert called_often(forward, x, v, t)[1] == pytest.approx(slope, rel=1e-6)


def test_a_global_a_rule_reads_as_a_constant(tmp_path):
    """`axis=AXIS` is built into the derivative: a ValueError from it before."""
    module = module_from(tmp_path, "stamps_axis", """
        import numpy as np
        AXIS = 0

        def f(x):
            return np.sum(np.sum(x, axis=AXIS) ** 2)
    """)
    x = np.arange(6.0).reshape(2, 3)
    derived = s2sad.grad(module.f)
    np.testing.assert_allclose(called_often(derived, x), numeric_grad(module.f, (x,)))
    module.AXIS = 1
    np.testing.assert_allclose(called_often(derived, x), numeric_grad(module.f, (x,)))


def test_a_closure_variable_rebound_by_its_enclosing_function():
    def make():
        scale = 2.0

        def f(x):
            return scale * x * x

        def rescale(value):
            nonlocal scale
            scale = value
        return f, rescale
    f, rescale = make()
    derived = s2sad.grad(f)
    assert called_often(derived, 1.5) == 6.0
    rescale(np.array([1.0, 3.0]))
    with pytest.raises(s2sad.UsageError, match="scalar"):
        derived(1.5)  # f now returns an array
    rescale(5.0)
    assert called_often(derived, 1.5) == 15.0


def test_rebinding_a_recursive_function_to_its_gradient(tmp_path):
    """`rec = s2sad.grad(rec)`: the derivative's own calls of `rec` reached the gradient
    (1.5237 instead of 2.7067)."""
    module = module_from(tmp_path, "stamps_recursive", """
        import math

        import s2sad

        def rec(x, n):
            if n == 0:
                return x
            return math.sin(rec(x, n - 1)) + x

        def reference(x, n):
            if n == 0:
                return x
            return math.sin(reference(x, n - 1)) + x

        rec = s2sad.grad(rec)
    """)
    want = numeric_grad(module.reference, (0.3, 3))
    got = called_often(module.rec, 0.3, 3)
    assert got == pytest.approx(want, rel=1e-7) and got == pytest.approx(2.7066979441, 1e-9)


def test_a_wrapper_built_around_a_differentiated_function_gets_its_own_cache(tmp_path):
    """`functools.wraps` copies the function's `__dict__`, cache included."""
    module = module_from(tmp_path, "stamps_wraps", """
        import functools

        def f(x):
            return x * x

        def doubled(fn):
            @functools.wraps(fn)
            def wrapper(x):
                return 2.0 * fn(x)
            return wrapper
    """)
    assert s2sad.grad(module.f)(3.0) == 6.0
    assert s2sad.grad(module.doubled(module.f))(3.0) == 12.0


def test_caches_do_not_keep_functions_alive(gen):
    """Each differentiated closure was kept alive (with its generated files' entries)."""
    def make(k):
        def f(x):
            return k * math.sin(x)
        return f
    refs, files, before = [], set(), set(compiling._origins)
    for k in range(300):
        f = make(float(k))
        derived = s2sad.grad(f)
        assert called_often(derived, 0.5) == pytest.approx(k * math.cos(0.5))
        files |= set(compiling._origins) - before
        refs.append(weakref.ref(f))
        del f, derived
    gc.collect()
    alive = sum(ref() is not None for ref in refs)
    assert alive == 0
    assert files and not files & (set(linecache.cache) | set(compiling._origins))
    # the same code is the same file (CPython keeps the name of each one it compiles)
    assert len(files) < 100  # 600 names without reuse


def test_keyword_calls_keep_a_bounded_number_of_shapes(gen):
    f = gen("x", "np.sum(x * x)")
    derived = s2sad.grad(f)
    for n in range(1, 2000):
        x = np.ones(n)
        np.testing.assert_array_equal(derived(x=x), 2.0 * x)
    assert len(derived._by_type) <= derivative._KEYS
    assert len(derived._specialisations) <= 2


def test_threads_making_the_first_call_at_once(tmp_path):
    """'Pending' object has no attribute 'spec', KeyErrors and false 'mutual recursion'
    errors before: the state of a build was shared by all threads."""
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        for round_ in range(5):
            module = module_from(tmp_path, f"stamps_threads_{round_}", """
                import math

                def helper(p, k):
                    if k <= 0:
                        return math.sin(p)
                    return helper(p * 0.5, k - 1) + p * p

                def f(x, y):
                    return helper(x, 3) * y + math.exp(x * y)
            """)
            f = module.f
            derived = [s2sad.grad(f, wrt=(0, 1)), s2sad.jvp(f, wrt=(0, 1))]
            barrier = threading.Barrier(8)
            results, errors = [None] * 8, []

            def work(i):
                try:
                    barrier.wait()
                    x, y = 0.3 + i / 10, 0.7
                    for _ in range(3):
                        if i % 2:
                            results[i] = derived[1](x, y, (1.0, 0.0))[1]
                        else:
                            results[i] = derived[0](x, y)[0]
                except Exception as error:  # noqa: BLE001 - any error fails the test
                    errors.append(error)
            threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert not errors, errors
            for i, got in enumerate(results):
                assert got == pytest.approx(numeric_grad(f, (0.3 + i / 10, 0.7)), rel=1e-6)
            sys.modules.pop(module.__name__, None)
    finally:
        sys.setswitchinterval(interval)
