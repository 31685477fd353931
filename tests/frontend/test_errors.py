"""Error handling: bad input gets a clear `s2sad.Error`, never an internal traceback.

The standard: every error s2sad raises on purpose is an `s2sad.Error` subclass
(SourceError, UnsupportedError, UsageError, ArgumentError). When the problem is in the
user's source, the message starts `path:line:` with the file and line of the offending
construct, names the construct, and says what to do instead.

The offending functions live in tests/bad_functions.py (s2sad reads source with
`inspect`, so they must be in a file); the line s2sad must report carries `# HERE`.
"""
import fractions
import functools
import inspect
import math
import os
import random
import re
import statistics
import sys
import sysconfig
import types
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
import scipy.special
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import s2sad
from s2sad import ArgumentError, Error, SourceError, UnsupportedError, UsageError
from s2sad.frontend import calls, read
from util import assert_close

import bad_functions as bad

# Words a message uses to say what to do instead.
ADVICE = re.compile(
    r"\b(use|define|pass|move|return|write|remove|assign|import|check|compute|list|leave|"
    r"drop|call|rewrite|format|compare|give|build|differentiate|split|replace|avoid|"
    r"inline)\b", re.IGNORECASE)


# ---------------------------------------------------------------- helpers


def marked_line(fn, marker="# HERE"):
    """The line in its file of the (only) line of `fn` carrying `marker`."""
    lines, first = inspect.getsourcelines(fn)
    found = [first + i for i, text in enumerate(lines) if marker in text]
    assert len(found) == 1, f"{fn.__name__} must mark exactly one line with {marker!r}"
    return found[0]


def filename_of(fn):
    return fn.__code__.co_filename


def scalar_args(fn, value=1.0):
    """Arguments for every required parameter (and one for `*args`)."""
    args = []
    for p in inspect.signature(fn).parameters.values():
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.VAR_POSITIONAL) \
                and p.default is p.empty:
            args.append(value)
    return args


def raised_by(call):
    """The exception `call()` raises (failing the test if it raises none)."""
    try:
        call()
    except Exception as exc:  # noqa: BLE001 - we classify it below
        return exc
    pytest.fail("no exception was raised")


def assert_s2sad_error(exc, expected=Error):
    """`exc` is the expected s2sad.Error subclass, with a readable report otherwise."""
    assert isinstance(exc, expected), (
        f"expected {expected.__name__}, got {type(exc).__module__}.{type(exc).__name__}: "
        f"{exc}")


def assert_located(exc, fn, line):
    """The message starts `path:line:` for `fn`'s file and names the file and line."""
    message = str(exc)
    path = filename_of(fn)
    assert f"{path}:{line}:" in message, (
        f"expected '{os.path.basename(path)}:{line}:' in the message, got: {message}")
    assert message.startswith(f"{path}:{line}:"), message
    assert os.path.basename(path) in message


# ---------------------------------------------------------------- unsupported constructs

# (function, exception class, regex naming the construct (case-insensitive))
CONSTRUCTS = [
    (bad.bad_try, UnsupportedError, r"try"),
    (bad.bad_with, UnsupportedError, r"\bwith\b"),
    (bad.bad_yield, UnsupportedError, r"yield|generator"),
    (bad.bad_global, UnsupportedError, r"global"),
    (bad.bad_nonlocal, UnsupportedError, r"nonlocal"),
    (bad.bad_nested_def, UnsupportedError, r"nested `def` inside a branch"),
    (bad.bad_class_def, UnsupportedError, r"class"),
    (bad.bad_lambda, UnsupportedError, r"lambda stored in a tuple"),
    (bad.bad_computed_function, UnsupportedError, r"lambda used as a value"),
    (bad.bad_closure_returned, UnsupportedError, r"function `scaled` returned"),
    (bad.bad_map_over_array, UnsupportedError, r"`map` over an array"),
    (bad.bad_map_kept, UnsupportedError, r"`map\(\.\.\.\)` iterator kept"),
    (bad.bad_tuple_in_loop, UnsupportedError, r"`p` holding a container on one path"),
    (bad.bad_star_args, UnsupportedError, r"\*args|star"),
    (bad.bad_star_kwargs, UnsupportedError, r"\*\*kwargs|star"),
    (bad.bad_del, UnsupportedError, r"\bdel\b"),
    (bad.bad_import, UnsupportedError, r"import"),
    (bad.bad_import_from, UnsupportedError, r"import"),
    (bad.bad_raise, UnsupportedError, r"raise"),
    (bad.bad_assert, UnsupportedError, r"`assert` message computed"),
    (bad.bad_return_in_loop, UnsupportedError, r"`return` inside a loop"),
    (bad.bad_for_zip_strict, UnsupportedError, r"`zip` with keywords"),
    (bad.bad_loop_else, UnsupportedError, r"`else` clause on a loop"),
    (bad.bad_write_into_view_of_argument, UnsupportedError, r"writing into `head`.*share memory"),
    (bad.bad_view_after_write, UnsupportedError, r"shares memory with `y`.*view"),
    (bad.bad_loop_variable_reused, UnsupportedError, r"loop variable `i`.*assigned elsewhere"),
    (bad.bad_view_read_in_writing_loop, UnsupportedError, r"loop that writes into `y`"),
    (bad.bad_inplace_on_shared_array, UnsupportedError, r"`y \+= \.\.\.`.*in place"),
    (bad.bad_too_many_exits, UnsupportedError, r"early exits"),
    (bad.bad_attribute_assignment, UnsupportedError, r"attribute"),
    (bad.bad_chained_assignment, UnsupportedError, r"chained assignment|a = b ="),
    (bad.bad_expression_statement, UnsupportedError, r"expression statement|discarded"),
    (bad.bad_no_return, UnsupportedError, r"return"),
    (bad.bad_bare_return, UnsupportedError, r"bare .?return|return.{0,20}without a value"),
    (bad.bad_tuple_arithmetic, UnsupportedError, r"repeating a list a number of times"),
    (bad.bad_star_call, UnsupportedError, r"star|unpack"),
    (bad.bad_double_star_call, UnsupportedError, r"\*\*"),
    (bad.bad_generator_expression, UnsupportedError, r"generator expression"),
    (bad.bad_dict_computed_key, UnsupportedError, r"dict key computed at run time"),
    (bad.bad_list_item_write, UnsupportedError, r"writing into an item of the list or tuple `xs`"),
    (bad.bad_list_pop, UnsupportedError, r"list method `xs\.pop\(\)`.*only grow"),
    (bad.bad_list_insert, UnsupportedError, r"list method `xs\.insert\(\)`"),
    (bad.bad_list_sort, UnsupportedError, r"list method `xs\.sort\(\)`.*argsort"),
    (bad.bad_array_sort, UnsupportedError, r"sorting `y` in place \(`y\.sort\(\)`\).*"
     r"`y = np\.sort\(y\)`"),
    (bad.bad_array_partition, UnsupportedError, r"partitioning an array in place.*"
     r"`x = np\.partition\(x, k\)`"),
    (bad.bad_append_to_argument, UnsupportedError, r"appending to `xs`, an argument"),
    (bad.bad_append_to_shared_list, UnsupportedError,
     r"appending to `ys`, a list another name also holds"),
    (bad.bad_return_list, UnsupportedError, r"returning a list built at run time"),
    (bad.bad_list_of_mixed_kinds, UnsupportedError, r"list of numbers and arrays mixed"),
    (bad.bad_list_of_lists, UnsupportedError, r"appending a list or tuple to a list"),
    (bad.bad_list_to_helper, UnsupportedError, r"passing the list `xs` to `two_parameters`"),
    (bad.bad_list_repeated_at_run_time, UnsupportedError, r"repeating a list .*run time"),
    (bad.bad_list_plus_tuple, UnsupportedError, r"adding a list and a tuple"),
    (bad.bad_write_into_appended_array, UnsupportedError,
     r"writing into `a`, which a list may also hold"),
    (bad.bad_fstring, UnsupportedError, r"f-string|formatted string"),
    (bad.bad_break_in_tuple_loop, UnsupportedError, r"`break` in a loop over a tuple"),
    (bad.bad_and_or, UnsupportedError, r"`and`|`or`|\band\b.*\bor\b|boolean"),
    (bad.bad_walrus, UnsupportedError, r":=|walrus|assignment expression"),
    (bad.bad_chained_comparison, UnsupportedError, r"chained comparison"),
    (bad.bad_method_call, UnsupportedError, r"method `\.tolist\(\)`"),
    (bad.bad_undefined_name, UnsupportedError, r"undefined_thing"),
    (bad.bad_read_before_assignment, UnsupportedError, r"['`]w['`].*before|before.*['`]w['`]"),
    (bad.bad_call_without_rule, UnsupportedError, r"np\.linalg\.eig`"),
    (bad.bad_call_builtin_without_rule, UnsupportedError, r"sorted"),
    (bad.bad_library_function, UnsupportedError,
     r"`scipy\.special\.comb`, a function of SciPy.*docs/functions\.md.*"
     r"s2sad\.defrule.*docs/rules\.md"),
    (bad.bad_standard_library_function, UnsupportedError,
     r"`statistics\.fmean`, a function of the standard library"),
    (bad.bad_reversed, UnsupportedError, r"`reversed\(\.\.\.\)`.*`x\[::-1\]`"),
    (bad.bad_attribute_of_argument, UnsupportedError,
     r"attribute `params\.weight`.*argument of its own"),
    (bad.bad_method_of_argument, UnsupportedError, r"`model\.forward\(\.\.\.\)`"),
    (bad.bad_ufunc_without_rule, UnsupportedError,
     r"`scipy\.special\.dawsn`, a ufunc.*s2sad\.defrule\(scipy\.special\.dawsn, "),
    (bad.bad_partial_call, UnsupportedError,
     r"`HALF_POWER` is a functools\.partial of `pow`.*call `pow` with all its arguments"),
    (bad.bad_vectorized_call, UnsupportedError,
     r"`VECTORIZED_SIN` is a `np\.vectorize` object.*s2sad\.defrule\(VECTORIZED_SIN, "),
    (bad.bad_computed_axis, UnsupportedError,
     r"computed `axis=`.*\(in `return np\.sum\(np\.max\(y, axis=axis\)\)"),
    (bad.bad_recursion, UnsupportedError, r"recurs"),
    (bad.bad_wrong_argument_count, UnsupportedError, r"two_parameters"),
    (bad.bad_too_many_arguments, UnsupportedError, r"two_parameters"),
    (bad.bad_unknown_keyword, UnsupportedError, r"two_parameters"),
]


def test_every_bad_function_is_covered():
    """Each `bad_*` function in the fixture module has a row (mutual recursion: its own)."""
    named = {name for name, value in vars(bad).items()
             if name.startswith("bad_") and isinstance(value, types.FunctionType)}
    covered = {fn.__name__ for fn, _, _ in CONSTRUCTS} | {"bad_mutual_recursion"}
    assert named == covered


@pytest.mark.parametrize("fn, expected, construct", CONSTRUCTS,
                         ids=[fn.__name__[4:] for fn, _, _ in CONSTRUCTS])
def test_unsupported_construct(fn, expected, construct):
    exc = raised_by(lambda: s2sad.grad(fn)(*scalar_args(fn)))
    assert_s2sad_error(exc, expected)
    assert_located(exc, fn, marked_line(fn))
    message = str(exc)
    assert re.search(construct, message, re.IGNORECASE), \
        f"the message does not name the construct ({construct!r}): {message}"
    after_prefix = message.split(":", 2)[-1]
    assert ADVICE.search(after_prefix), f"the message gives no advice: {message}"


@pytest.mark.parametrize("fn, expected, construct", CONSTRUCTS,
                         ids=[fn.__name__[4:] for fn, _, _ in CONSTRUCTS])
def test_unsupported_construct_through_jvp(fn, expected, construct):
    """Forward mode rejects the same constructs, at the same place."""
    args = scalar_args(fn)
    exc = raised_by(lambda: s2sad.jvp(fn)(*args, 1.0))
    assert_s2sad_error(exc, expected)
    assert_located(exc, fn, marked_line(fn))


@pytest.mark.parametrize("fn, expected, construct", CONSTRUCTS,
                         ids=[fn.__name__[4:] for fn, _, _ in CONSTRUCTS])
def test_unsupported_construct_through_source(fn, expected, construct):
    """`s2sad.source` reports the same error with the same location."""
    exc = raised_by(lambda: s2sad.source(fn, *scalar_args(fn)))
    assert_s2sad_error(exc, expected)
    assert_located(exc, fn, marked_line(fn))


def test_mutual_recursion():
    fn = bad.bad_mutual_recursion
    exc = raised_by(lambda: s2sad.grad(fn)(1.0))
    assert_s2sad_error(exc, UnsupportedError)
    message = str(exc)
    assert "recurs" in message
    # either call of the cycle is a fine place to report it
    call_in_helper = next(first + i for first in [inspect.getsourcelines(bad.mutual_helper)[1]]
                          for i, text in enumerate(inspect.getsourcelines(bad.mutual_helper)[0])
                          if "bad_mutual_recursion(" in text)
    lines = {marked_line(fn), call_in_helper}
    assert any(message.startswith(f"{filename_of(fn)}:{line}:") for line in lines), message


def test_error_attributes_match_message():
    exc = raised_by(lambda: s2sad.grad(bad.bad_return_in_loop)(1.0))
    assert exc.filename == filename_of(bad.bad_return_in_loop)
    assert exc.line == marked_line(bad.bad_return_in_loop)


def test_error_is_raised_when_the_derivative_is_made():
    """A construct the fence rejects fails at `grad(f)`, not only at the first call."""
    with pytest.raises(UnsupportedError):
        s2sad.grad(bad.bad_return_in_loop)


def test_decorator_form_reports_the_construct():
    with pytest.raises(UnsupportedError, match=r"bad_functions\.py:\d+:"):
        s2sad.grad(wrt=0)(bad.bad_loop_else)


# ---------------------------------------------------------------- calls without a rule

# A message shows neither a memory address nor a temporary of the Wengert list.
INTERNAL = re.compile(r"0x[0-9a-f]{4,}|\bt\d+\b")


def assert_readable(message):
    found = INTERNAL.search(message)
    assert found is None, f"the message shows {found.group()!r}: {message}"


@pytest.mark.parametrize("fn", [fn for fn, _, _ in CONSTRUCTS], ids=lambda fn: fn.__name__[4:])
def test_messages_show_no_address_and_no_temporary(fn):
    for label, call in _attempts(fn):
        try:
            call()
        except Error as exc:
            assert_readable(str(exc))


def written_at(fn):
    """The file and the line of the `return` statement of a generated one-line function."""
    return f"{filename_of(fn)}:{inspect.getsourcelines(fn)[1] + 1}:"


# body of `f(x)` -> what the message must say; none of these can take a rule, so the
# message must not suggest s2sad.defrule
BUILTINS = [
    ("np.sum(reversed(x))", r"`reversed\(\.\.\.\)` makes an iterator.*`x\[::-1\]`"),
    ("np.sum(sorted(x))", r"`sorted\(\.\.\.\)` makes a list.*`x\[np\.argsort\(x\)\]`"),
    ("np.sum(list(x))", r"`list\(\.\.\.\)` makes a Python list.*`np\.array\(\[a, b\]\)`"),
    ("np.sum(tuple(x))", r"`tuple\(\.\.\.\)` makes a tuple.*`np\.stack\(\[a, b\]\)`"),
    ("np.sum(set(x))", r"`set\(\.\.\.\)`.*NumPy array"),
    ("np.sum(zip(x, x))", r"`zip\(\.\.\.\)`.*`for` loop's header"),
    ("np.sum(enumerate(x))", r"`enumerate\(\.\.\.\)`.*`for` loop's header"),
    ("np.sum(map(np.sin, x))", r"`map\(\.\.\.\)`.*`np\.sin\(x\)`"),
    ("np.sum(filter(None, x))", r"`filter\(\.\.\.\)`.*mask: `x\[x > 0\]`"),
    ("np.sum(np.array(iter(x)))", r"`iter\(\.\.\.\)` makes an iterator.*`x\[0\]`"),
    ("next(x)", r"`next\(\.\.\.\)` reads an iterator.*`x\[0\]`"),
    ("np.sum(np.array(range(3)) * x)", r"`range\(\.\.\.\)`.*`for` loop's header.*np\.arange"),
    ("np.sum(divmod(x, 2.0))", r"`divmod\(\.\.\.\)` returns a tuple.*`a // b` and `a % b`"),
    ("np.sum(x[slice(1)])", r"`slice\(\.\.\.\)`.*`x\[1:3\]`"),
    ("np.sum(x) + print(x)", r"`print\(\.\.\.\)`.*side effect.*remove the call"),
    ("np.sum(x) * hasattr(x, 'shape')",
     r"`hasattr` is a Python builtin.*outside the differentiated function"),
    ("np.sum(np.float64(x))", r"`np\.float64\(\.\.\.\)`.*`float\(x\)`.*`x\.astype"),
    ("np.sum(np.ndarray(3) * x)", r"`np\.ndarray\(\.\.\.\)` creates an object of class "
                                  r"`ndarray`"),
    ("np.sum(x.sort())", r"method `\.sort\(\)` \(in place.*`x = np\.sort\(x\)`"),
    ("np.sum(x.clip(0.0, 1.0))", r"method `\.clip\(\)`.*Use `np\.clip\(x, \.\.\.\)` instead"),
    ("np.sum(x.flat)", r"array attribute `x\.flat`.*docs/functions\.md"),
]


@pytest.mark.parametrize("body, says", BUILTINS, ids=[b for b, _ in BUILTINS])
def test_builtins_and_classes_get_advice_that_applies(gen, body, says):
    fn = gen("x", body)
    exc = raised_by(lambda: s2sad.grad(fn)(np.arange(1.0, 4.0)))
    assert_s2sad_error(exc, UnsupportedError)
    message = str(exc)
    assert message.startswith(written_at(fn)), message
    assert re.search(says, message), message
    assert "defrule" not in message, f"no rule can apply here: {message}"
    assert "np.sum(x)` for" not in message, message
    assert_readable(message)


# body of `f(x)` -> the library function the message names, the library
LIBRARY = [
    ("np.sum(np.unique(x))", "np.unique", "NumPy"),
    ("np.sum(np.asarray_chkfinite(x))", "np.asarray_chkfinite", "NumPy"),
    ("math.dist(x, x)", "math.dist", "the standard library"),
]


@pytest.mark.parametrize("body, name, library", LIBRARY, ids=[n for _, n, _ in LIBRARY])
def test_library_function_without_rule(gen, body, name, library):
    """Refused at the user's line, named as written, with both ways out; never parsed
    (an error inside NumPy's own file)."""
    fn = gen("x", body)
    exc = raised_by(lambda: s2sad.grad(fn)(np.arange(1.0, 4.0)))
    assert_s2sad_error(exc, UnsupportedError)
    message = str(exc)
    assert message.startswith(written_at(fn)), message
    assert f"`{name}`, a function of {library}" in message
    assert f"s2sad.defrule({name}, " in message and "docs/rules.md" in message
    assert "docs/functions.md" in message
    assert "site-packages" not in message and "numpy/" not in message
    assert_readable(message)


def test_library_functions_are_never_user_code():
    """`np.triu_indices` was once parsed as user code and reported as "a generator
    expression" at NumPy's own file, `scipy.special.logsumexp` as "a with block"."""
    for fn, library in [(np.triu_indices, "NumPy"), (np.mask_indices, "NumPy"),
                        (scipy.special.logsumexp, "SciPy"),
                        (statistics.fmean, "the standard library"),
                        (os.path.join, "the standard library"),  # a frozen module
                        (sorted, "Python's builtins"), (s2sad.source, "s2sad")]:
        assert calls.library(fn) == library, fn
        assert not calls.is_user_function(fn), fn
    assert calls.library(bad.ok_scalar) is None
    assert calls.is_user_function(bad.ok_scalar)
    message = str(raised_by(lambda: s2sad.grad(bad.bad_library_function)(np.ones(3))))
    assert "with" not in message.split(":", 2)[-1].split("(")[0], message


def test_user_code_installed_in_site_packages_is_user_code():
    namespace = {"__name__": "mypackage.helpers"}
    path = os.path.join(sysconfig.get_path("purelib"), "mypackage", "helpers.py")
    exec(compile("def helper(x):\n    return x * x\n", path, "exec"), namespace)
    assert calls.library(namespace["helper"]) is None
    assert calls.is_user_function(namespace["helper"])


def test_site_packages_inside_the_standard_library(tmp_path, monkeypatch):
    """Python's own site-packages may lie inside the standard library's folder (no
    virtual environment): a module there is differentiated from its source, a module of
    the standard library is refused."""
    lib = tmp_path / "lib"
    (lib / "site-packages").mkdir(parents=True)
    (lib / "site-packages" / "installed_helpers.py").write_text(
        "def helper(x):\n    return x * x\n")
    (lib / "stdlib_like.py").write_text("def helper(x):\n    return x * x\n")
    (tmp_path / "caller_module.py").write_text(
        "import installed_helpers\nimport stdlib_like\n\n\n"
        "def uses_installed(x):\n    return installed_helpers.helper(x) * 3.0\n\n\n"
        "def uses_stdlib(x):\n    return stdlib_like.helper(x) * 3.0\n")
    monkeypatch.setattr(read, "_STDLIB", (str(lib.resolve()) + os.sep,))
    for folder in (lib / "site-packages", lib, tmp_path):
        monkeypatch.syspath_prepend(str(folder))
    for name in ("installed_helpers", "stdlib_like", "caller_module"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    import caller_module
    assert s2sad.grad(caller_module.uses_installed)(1.5) == pytest.approx(9.0)
    exc = raised_by(lambda: s2sad.grad(caller_module.uses_stdlib)(1.5))
    assert_s2sad_error(exc, UnsupportedError)
    assert str(exc).startswith(f"{caller_module.__file__}:10:"), str(exc)
    assert "`stdlib_like.helper`, a function of the standard library" in str(exc)


def vectorized_sum(x):
    return np.sum(bad.VECTORIZED_SIN(x))


def test_the_advice_for_a_vectorized_function_works(registered):
    s2sad.defrule(bad.VECTORIZED_SIN, partials=[np.cos])
    x = np.array([0.2, -1.3, 2.0])
    assert_close(s2sad.grad(vectorized_sum)(x), np.cos(x))


def test_unknown_keyword_names_what_the_rule_reads(gen):
    fn = gen("x", "np.sum(x, initial=1.0) * x.reshape(shape=x.shape)[0]")
    exc = raised_by(lambda: s2sad.grad(fn)(np.ones(3)))
    assert_s2sad_error(exc, UnsupportedError)
    message = str(exc)
    assert message.startswith(written_at(fn)), message
    assert "`initial=` of `np.sum` has no derivative rule (the rule reads `a`, `axis`" \
        in message
    assert "(in `return np.sum(x, initial=1.0)" in message
    assert "*1" not in message
    assert_readable(message)


class Scaler:
    def __call__(self, x):
        return 2.0 * x


def test_callable_object_is_named_by_its_type(gen):
    fn = gen("x", "np.sum(scale(x))")
    fn.__globals__["scale"] = Scaler()
    exc = raised_by(lambda: s2sad.grad(fn)(np.ones(3)))
    assert_s2sad_error(exc, UnsupportedError)
    message = str(exc)
    assert message.startswith(written_at(fn)), message
    assert "`scale` is an object of type `Scaler` without a derivative rule" in message
    assert "s2sad.defrule(scale, " in message
    assert_readable(message)


def test_method_of_module_level_array(gen):
    """`W.sum()` of a module-level array is a method call like `x.sum()` (it once named
    the bound method with its address)."""
    fn = gen("x", "np.sum(x * W.sum()) + np.sum(W.cumsum() * x)")
    weights = np.array([0.5, 1.5, 2.0])
    fn.__globals__["W"] = weights
    x = np.array([1.0, -2.0, 0.5])
    assert_close(s2sad.grad(fn)(x), weights.sum() + np.cumsum(weights))
    _, tangent = s2sad.jvp(fn)(x, np.ones(3))
    assert tangent == pytest.approx(3 * weights.sum() + np.cumsum(weights).sum())


def test_method_of_module_level_object(gen):
    fn = gen("x", "np.sum(x) * rng.random()")
    fn.__globals__["rng"] = random.Random(0)  # (NumPy's generators have rules)
    exc = raised_by(lambda: s2sad.grad(fn)(np.ones(3)))
    assert_s2sad_error(exc, UnsupportedError)
    assert "`rng.random` is a method of an object of type `Random`" in str(exc)
    assert "compute `rng.random(...)` outside the differentiated function" in str(exc)
    assert_readable(str(exc))


@pytest.mark.parametrize("call", [
    lambda: s2sad.grad(bad.ok_scalar)(object(), 1.0),
    lambda: s2sad.check_grads(object(), (1.0,)),
    lambda: s2sad.check_grads(bad.ok_scalar, (1.0, 2.0), modes=object()),
    lambda: s2sad.jacobian(bad.ok_scalar, mode=object()),
    lambda: s2sad.defrule(np.sinc, partials=[object()]),
], ids=["argument", "check_grads-function", "check_grads-modes", "jacobian-mode",
        "defrule-partials"])
def test_api_messages_show_no_address(call, registered):
    exc = raised_by(call)
    assert_s2sad_error(exc, Error)
    assert "object" in str(exc)
    assert_readable(str(exc))


def test_rule_of_a_callable_object_is_named_by_its_type(registered):
    from s2sad import rules
    scale = Scaler()
    s2sad.defrule(scale, partials=[lambda x: 2.0 * np.ones_like(x)])
    assert rules.lookup(scale).name == "Scaler"


# ---------------------------------------------------------------- source problems


def test_function_without_source():
    namespace = {}
    exec("def from_exec(x):\n    return x * 2.0\n", namespace)
    exc = raised_by(lambda: s2sad.grad(namespace["from_exec"])(1.0))
    assert_s2sad_error(exc, SourceError)
    assert "<string>:1:" in str(exc)
    assert "from_exec" in str(exc)
    assert "file" in str(exc)


NOT_DEF_FUNCTIONS = [math.sin, np.sin, sorted, abs, 42, "f", None,
                     functools.partial(bad.ok_scalar, 1.0), bad.Box]
NOT_DEF_IDS = ["math.sin", "np.sin", "sorted", "abs", "int", "str", "None", "partial", "class"]


@pytest.mark.parametrize("thing", NOT_DEF_FUNCTIONS, ids=NOT_DEF_IDS)
@pytest.mark.parametrize("transform", [s2sad.grad, s2sad.value_and_grad, s2sad.vjp])
def test_grad_of_something_that_is_not_a_def_function(transform, thing):
    exc = raised_by(lambda: transform(thing)(1.0))
    assert_s2sad_error(exc, UsageError)
    assert "def" in str(exc)


@pytest.mark.parametrize("thing", NOT_DEF_FUNCTIONS, ids=NOT_DEF_IDS)
@pytest.mark.parametrize("call", [
    lambda thing: s2sad.source(thing),
    lambda thing: s2sad.source(thing, 1.0),
    lambda thing: s2sad.source(thing, mode="wengert"),
], ids=["source", "source-with-args", "wengert"])
def test_source_of_something_that_is_not_a_def_function(call, thing):
    exc = raised_by(lambda: call(thing))
    assert_s2sad_error(exc, UsageError)
    assert "def" in str(exc)


# ---------------------------------------------------------------- API misuse


def test_grad_of_array_valued_function_suggests_vjp():
    exc = raised_by(lambda: s2sad.grad(bad.ok_vector)(np.ones(3)))
    assert_s2sad_error(exc, UsageError)
    assert "vjp" in str(exc)
    assert "scalar" in str(exc)


def test_value_and_grad_of_array_valued_function_suggests_vjp():
    exc = raised_by(lambda: s2sad.value_and_grad(bad.ok_vector)(np.ones(3)))
    assert_s2sad_error(exc, UsageError)
    assert "vjp" in str(exc)


@pytest.mark.parametrize("fn", [bad.odd_returns_none, bad.odd_returns_string],
                         ids=["None", "str"])
def test_grad_of_function_returning_a_non_number(fn):
    """A result that is no number at all: say so, don't suggest vjp (nor say "other")."""
    exc = raised_by(lambda: s2sad.grad(fn)(1.0))
    assert_s2sad_error(exc, Error)
    message = str(exc)
    assert "returns other" not in message, f"unclear message: {message}"
    assert "vjp" not in message, f"vjp does not help here: {message}"


@pytest.mark.parametrize("wrt", ["z", "X", 2, -3, 17], ids=repr)
def test_wrt_names_no_parameter(wrt):
    exc = raised_by(lambda: s2sad.grad(bad.ok_scalar, wrt=wrt))
    assert_s2sad_error(exc, UsageError)
    message = str(exc)
    assert "wrt" in message and repr(wrt) in message
    assert "'x'" in message and "'y'" in message, "the message lists the parameters"


@pytest.mark.parametrize("wrt", [True, 1.0, None, ("x", None), ["x"]], ids=repr)
def test_wrt_of_the_wrong_type(wrt):
    exc = raised_by(lambda: s2sad.grad(bad.ok_scalar, wrt=wrt)(1.0, 2.0))
    assert_s2sad_error(exc, UsageError)
    assert "wrt" in str(exc)


@pytest.mark.parametrize("wrt", [("x", 0), ("y", "y"), (1, -1)], ids=repr)
def test_wrt_names_a_parameter_twice(wrt):
    exc = raised_by(lambda: s2sad.grad(bad.ok_scalar, wrt=wrt))
    assert_s2sad_error(exc, UsageError)
    assert "twice" in str(exc)


def test_wrt_empty():
    exc = raised_by(lambda: s2sad.grad(bad.ok_scalar, wrt=()))
    assert_s2sad_error(exc, UsageError)
    assert "wrt" in str(exc)


def test_grad_of_function_without_parameters():
    exc = raised_by(lambda: s2sad.grad(bad.ok_no_parameters)())
    assert_s2sad_error(exc, UsageError)
    assert "parameter" in str(exc)
    assert "0..-1" not in str(exc), f"the advice makes no sense: {exc}"


def test_wrt_errors_through_source():
    exc = raised_by(lambda: s2sad.source(bad.ok_scalar, wrt="z"))
    assert_s2sad_error(exc, UsageError)
    assert "'z'" in str(exc)


@pytest.mark.parametrize("value", ["1.5", None, [1.0, 2.0], Decimal("1.5"), object()],
                         ids=["str", "None", "list", "Decimal", "object"])
def test_non_number_for_differentiated_parameter(value):
    exc = raised_by(lambda: s2sad.grad(bad.ok_scalar)(value, 2.0))
    assert_s2sad_error(exc, ArgumentError)
    assert "'x'" in str(exc)
    assert "float" in str(exc)


def test_string_for_second_differentiated_parameter_names_it():
    exc = raised_by(lambda: s2sad.grad(bad.ok_scalar, wrt=(0, 1))(1.0, "oops"))
    assert_s2sad_error(exc, ArgumentError)
    assert "'y'" in str(exc)
    assert "oops" in str(exc)


def test_string_passed_by_keyword_names_the_parameter():
    exc = raised_by(lambda: s2sad.grad(bad.ok_scalar, wrt="y")(1.0, y="oops"))
    assert_s2sad_error(exc, ArgumentError)
    assert "'y'" in str(exc)


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.uint8, np.bool_, object])
def test_non_float_array_for_differentiated_parameter(dtype):
    x = np.arange(3).astype(dtype)
    exc = raised_by(lambda: s2sad.grad(bad.ok_sum)(x))
    assert_s2sad_error(exc, ArgumentError)
    assert f"argument 'x' is differentiated, but it is an array of dtype {np.dtype(dtype)};" \
        in str(exc)
    if np.issubdtype(np.dtype(dtype), np.integer):
        assert "astype(float)" in str(exc)


def test_int_array_through_source_suggests_astype():
    exc = raised_by(lambda: s2sad.source(bad.ok_sum, np.arange(3)))
    assert_s2sad_error(exc, ArgumentError)
    assert "astype(float)" in str(exc)


@pytest.mark.parametrize("value", [True, False, np.bool_(True)], ids=repr)
def test_bool_for_differentiated_parameter(value):
    exc = raised_by(lambda: s2sad.grad(bad.ok_scalar)(value, 2.0))
    assert_s2sad_error(exc, ArgumentError)
    assert "'x'" in str(exc)
    assert "bool" in str(exc)


def test_int_for_differentiated_parameter_is_fine():
    assert s2sad.grad(bad.ok_scalar)(1, 2.0) == pytest.approx(2.0 * math.cos(1.0) + 2.0)


def test_source_unknown_mode():
    exc = raised_by(lambda: s2sad.source(bad.ok_scalar, mode="nope"))
    assert_s2sad_error(exc, UsageError)
    assert "'nope'" in str(exc)
    assert "reverse" in str(exc) and "wengert" in str(exc)


def test_source_with_wrong_example_arguments():
    exc = raised_by(lambda: s2sad.source(bad.ok_scalar, 1.0, 2.0, 3.0))
    assert_s2sad_error(exc, UsageError)
    assert "ok_scalar" in str(exc)


@pytest.mark.parametrize("cotangent_shape", [(4,), (2,), (3, 1), (1, 3), (3, 3)])
def test_vjp_cotangent_of_wrong_shape_linear(cotangent_shape):
    exc = raised_by(lambda: s2sad.vjp(bad.ok_scale)(np.ones(3), np.ones(cotangent_shape)))
    assert_s2sad_error(exc, UsageError)
    assert "cotangent" in str(exc)
    assert "(3,)" in str(exc)


@pytest.mark.parametrize("cotangent_shape", [(4,), (2,), (3, 1)])
def test_vjp_cotangent_of_wrong_shape_nonlinear(cotangent_shape):
    exc = raised_by(lambda: s2sad.vjp(bad.ok_vector)(np.ones(3), np.ones(cotangent_shape)))
    assert_s2sad_error(exc, UsageError)
    assert "cotangent" in str(exc)


def test_vjp_array_cotangent_for_scalar_function():
    exc = raised_by(lambda: s2sad.vjp(bad.ok_scalar)(1.0, 2.0, np.ones(2)))
    assert_s2sad_error(exc, UsageError)
    assert "cotangent" in str(exc)


def test_vjp_without_arguments():
    exc = raised_by(lambda: s2sad.vjp(bad.ok_scale)())
    assert_s2sad_error(exc, UsageError)
    assert "cotangent" in str(exc)


def test_vjp_string_cotangent():
    exc = raised_by(lambda: s2sad.vjp(bad.ok_scale)(np.ones(3), "oops"))
    assert_s2sad_error(exc, Error)
    assert "cotangent" in str(exc)


@pytest.mark.parametrize("args, kwargs", [
    ((1.0, 2.0, 3.0), {}),
    ((1.0,), {}),
    ((), {}),
    ((1.0, 2.0), {"z": 3.0}),
    ((1.0,), {"x": 2.0}),
    ((1.0, 2.0), {"y": 2.0}),
], ids=["too-many", "too-few", "none", "unknown-keyword", "x-twice", "y-twice"])
@pytest.mark.parametrize("transform", [s2sad.grad, s2sad.value_and_grad])
def test_calling_the_gradient_with_bad_arguments(transform, args, kwargs):
    g = transform(bad.ok_scalar)
    exc = raised_by(lambda: g(*args, **kwargs))
    assert_s2sad_error(exc, UsageError)
    assert "ok_scalar" in str(exc)


def test_calling_vjp_with_too_many_arguments():
    exc = raised_by(lambda: s2sad.vjp(bad.ok_scale)(np.ones(3), np.ones(3), np.ones(3)))
    assert_s2sad_error(exc, UsageError)


# ---------------------------------------------------------------- properties


def _bad_functions():
    return sorted((value for name, value in vars(bad).items()
                   if name.startswith("bad_") and isinstance(value, types.FunctionType)),
                  key=lambda fn: fn.__name__)


def _attempts(fn):
    """Every way a user might ask for `fn`'s derivative: (label, call)."""
    scalars = scalar_args(fn, 1.0)
    arrays = scalar_args(fn, np.ones(3))
    return [
        ("grad(scalars)", lambda: s2sad.grad(fn)(*scalars)),
        ("grad(arrays)", lambda: s2sad.grad(fn)(*arrays)),
        ("value_and_grad", lambda: s2sad.value_and_grad(fn)(*scalars)),
        ("vjp(scalars)", lambda: s2sad.vjp(fn)(*scalars, 1.0)),
        ("vjp(arrays)", lambda: s2sad.vjp(fn)(*arrays, np.ones(3))),
        ("source()", lambda: s2sad.source(fn)),
        ("source(scalars)", lambda: s2sad.source(fn, *scalars)),
        ("source(arrays)", lambda: s2sad.source(fn, *arrays)),
    ]


@pytest.mark.parametrize("fn", _bad_functions(), ids=lambda fn: fn.__name__[4:])
def test_bad_functions_raise_only_s2sad_errors(fn):
    """Whatever way a bad function is differentiated, the error is an `s2sad.Error`."""
    problems = []
    for label, call in _attempts(fn):
        try:
            call()
        except Error as exc:
            if not re.match(r".+:\d+: ", str(exc)):
                problems.append(f"{label}: message without path:line: {exc}")
        except Exception as exc:  # noqa: BLE001
            problems.append(f"{label}: internal {type(exc).__name__}: {exc}")
        else:
            problems.append(f"{label}: no error")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("fn", _bad_functions(), ids=lambda fn: fn.__name__[4:])
def test_wengert_source_of_bad_function_raises_only_s2sad_errors(fn):
    """The Wengert list needs no kinds: it may succeed (e.g. for recursion), or fail cleanly."""
    try:
        s2sad.source(fn, mode="wengert")
    except Error as exc:
        assert re.match(r".+:\d+: ", str(exc)), str(exc)


_weird_values = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6),
    st.integers(min_value=-10**6, max_value=10**6),
    st.booleans(),
    st.none(),
    st.text(max_size=5),
    st.complex_numbers(allow_nan=False, allow_infinity=False, max_magnitude=10),
    st.lists(st.floats(allow_nan=False, allow_infinity=False, width=32), max_size=3),
    st.builds(Decimal, st.integers(-100, 100)),
    st.builds(fractions.Fraction, st.integers(-100, 100), st.integers(1, 100)),
    st.sampled_from([np.float64(0.5), np.float32(0.5), np.int64(3), np.bool_(False),
                     np.array(1.5), np.array(2), np.arange(3), np.arange(3.0),
                     np.ones((2, 2), dtype=np.complex128), np.array(["a", "b"]),
                     np.array([1.0, None], dtype=object)]),
)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(x=_weird_values, wrt=st.sampled_from([0, 1, (0, 1), "x", ("y", "x")]))
def test_any_argument_gives_a_value_or_an_s2sad_error(x, wrt):
    """For a good function and any value of a differentiated argument: a result, or an
    `s2sad.Error` (never an internal exception)."""
    args = (x, 0.5) if wrt in (0, "x") else (0.5, x) if wrt == 1 else (x, x)
    try:
        s2sad.grad(bad.ok_scalar, wrt=wrt)(*args)
    except Error:
        pass


_names = st.sampled_from(["x", "y", "z", "seed", "x_bar"])


@settings(max_examples=100, deadline=None)
@given(nargs=st.integers(0, 4), keywords=st.lists(_names, max_size=3, unique=True))
def test_any_call_signature_gives_a_value_or_a_usage_error(nargs, keywords):
    g = s2sad.grad(bad.ok_scalar)
    args = [1.0] * nargs
    kwargs = {k: 2.0 for k in keywords}
    try:
        inspect.signature(bad.ok_scalar).bind(*args, **kwargs)
        valid = True
    except TypeError:
        valid = False
    if valid:
        g(*args, **kwargs)
    else:
        with pytest.raises(UsageError):
            g(*args, **kwargs)


# ---------------------------------------------------------------- arrays that compute otherwise


def sum_of_squares(x):
    return np.sum(x * x)


def weighted_by(x, weights):
    return np.sum(weights * x)


def matrix():
    with pytest.warns(PendingDeprecationWarning):
        return np.matrix([[1.0, 2.0], [3.0, 4.0]])


@pytest.mark.parametrize("make, words", [
    (matrix, "np.matrix"),
    (lambda: np.ma.array([1.0, 2.0, 3.0], mask=[0, 1, 0]), "masked array"),
], ids=["matrix", "masked"])
def test_a_matrix_or_masked_array_is_refused_naming_the_function(make, words):
    """np.matrix: x * x is a matrix product, and the gradient came out as 2X instead of
    [[7, 11], [9, 13]]; a masked array had its mask ignored by grad ([2, 4, 6] instead
    of [2, 0, 6]) but not by value_and_grad."""
    line = sum_of_squares.__code__.co_firstlineno
    x = make()
    for call in (lambda: s2sad.grad(sum_of_squares)(x),
                 lambda: s2sad.value_and_grad(sum_of_squares)(x),
                 lambda: s2sad.jvp(sum_of_squares)(x, np.ones(np.shape(x))),
                 lambda: s2sad.grad(weighted_by)(np.ones(np.shape(x)), x)):
        exc = raised_by(call)
        assert_s2sad_error(exc, ArgumentError)
        assert words in str(exc) and str(exc).startswith(f"{__file__}:")
        assert "np.asarray" in str(exc) or "filled" in str(exc)
    assert f"{__file__}:{line}:" in str(raised_by(lambda: s2sad.grad(sum_of_squares)(x)))


def test_a_memmap_is_an_array(tmp_path):
    """`np.memmap` computes as arrays do: it is differentiated like one."""
    values = np.memmap(tmp_path / "x.dat", dtype=float, mode="w+", shape=(3,))
    values[:] = [1.0, -2.0, 3.0]
    assert_close(s2sad.grad(sum_of_squares)(values), 2 * np.asarray(values))


def dot_sum(a, b):
    return np.sum(a @ b)


@pytest.mark.parametrize("wrt", [0, 1])
@pytest.mark.parametrize("b_shape", [(1,), (4,)])
def test_arguments_whose_shapes_do_not_fit_get_no_gradient(wrt, b_shape):
    """The gradient of `np.sum(a @ b)` needs no product (a's is b), so the mismatch the
    function raises at is not met in the generated code; a gradient of another shape than
    its argument is refused rather than broadcast (b of shape (1,) would have given a
    gradient where the function has no value), on the slow path and the fast path."""
    a, b = np.ones(3), np.ones(b_shape)
    with pytest.raises(ValueError):
        dot_sum(a, b)
    g = s2sad.grad(dot_sum, wrt=wrt)
    assert g(a, np.full(3, 2.0)) == pytest.approx(np.full(3, 2.0) if wrt == 0 else a)
    for _ in range(2):
        exc = raised_by(lambda: g(a, b))
        assert_s2sad_error(exc, s2sad.ArgumentError)
        assert "dot_sum" in str(exc) and "(3,)" in str(exc) and str(b_shape) in str(exc)
