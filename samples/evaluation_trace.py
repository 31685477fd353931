"""Seed 000's evaluation trace, tangent column and adjoint column, from s2sad's own code.

The lecture notes evaluate

    y = f(x1, x2) = [sin(x1/x2) + x1/x2 - exp(x2)] * [x1/x2 - exp(x2)]

at (x1, x2) = (1.5, 0.5) one elementary operation at a time (v1 ... v6), then push the
tangent x_dot = (1, 0) forward through the same operations to get dy/dx1 = 3.0118.
This script reproduces those tables without working out a single number by hand: it
asks s2sad for the Wengert list, the tangent code and the adjoint code, runs each of
them, and prints the local variables they leave behind (`v3`, `v3_dot`, `v3_bar`).

`f` is written the way the notes write the trace, one operation per line, so s2sad's
Wengert list keeps the notes' names and the rows line up with the notes' tables. The
adjoint column (y_bar = 1) is the one the notes define but do not tabulate for this
function: v_bar = dy/dv, the sensitivity of y to a change in that one intermediate.
Its first entry, x1_bar, equals the tangent y_dot: one backward sweep gives the whole
gradient that forward mode builds one direction at a time.

    python samples/evaluation_trace.py
"""
import inspect
import math
import re
import sys

import s2sad

X = (1.5, 0.5)


def f(x1, x2):
    v1 = x1 / x2
    v2 = math.sin(v1)
    v3 = math.exp(x2)
    v4 = v1 - v3
    v5 = v2 + v4
    v6 = v5 * v4
    return v6


def formula(x1, x2):
    return (math.sin(x1 / x2) + x1 / x2 - math.exp(x2)) * (x1 / x2 - math.exp(x2))


def run_generated(text, *args):
    """Compile generated source `text`, call its function with `args`, and return the
    function's local variables as they are when it returns."""
    namespace = {"math": math}
    exec(compile(text, "<s2sad generated>", "exec"), namespace)  # noqa: S102 - s2sad's output
    name = re.search(r"def (\w+)\(", text).group(1)
    code = namespace[name].__code__
    seen = {}

    def tracer(frame, event, arg):
        if frame.f_code is not code:
            return None
        if event == "return":
            seen.update(frame.f_locals)
        return tracer

    sys.settrace(tracer)
    try:
        namespace[name](*args)
    finally:
        sys.settrace(None)
    return seen


def assignments(text):
    """(name, right-hand side) of each `name = ...` line of generated source."""
    return re.findall(r"^\s+(\w+) = (.+)$", text, flags=re.MULTILINE)


def main():
    """Run the Wengert list, the tangent and the adjoint at X and return
    {"rows": [(name, operation)], "value": {...}, "dot": {...}, "bar": {...}} keyed by
    variable name (x1, x2, v1, ... v6; a name the generated code never assigns is absent),
    with the Wengert list of `formula` and its local variables."""
    wengert = s2sad.source(f, *X, mode="wengert")
    tangent = s2sad.source(f, *X, mode="forward", wrt=(0, 1))
    adjoint = s2sad.source(f, *X, mode="reverse", wrt=(0, 1))
    values = run_generated(wengert, *X)
    dots = run_generated(tangent, *X, 1.0, 0.0)
    bars = run_generated(adjoint, *X, 1.0)
    rows = [("x1", "x1"), ("x2", "x2")] + assignments(wengert)
    one_line = s2sad.source(formula, *X, mode="wengert")
    names = [name for name, _ in rows]
    return {
        "rows": rows,
        "wengert": wengert,
        "value": {n: values[n] for n in names if n in values},
        "dot": {n: dots[n + "_dot"] for n in names if n + "_dot" in dots},
        "bar": {n: bars[n + "_bar"] for n in names if n + "_bar" in bars},
        "formula": one_line,
        "formula_value": run_generated(one_line, *X),
    }


def _cell(table, name):
    return f"{table[name]:10.4f}" if name in table else f"{'-':>10}"


def print_wengert(text, values):
    """Generated source with the value of each assignment at its end."""
    for line in text.splitlines():
        match = re.match(r"\s+(\w+) = ", line)
        value = f"# = {values[match.group(1)]:.4f}" if match else ""
        print(f"{line:28}{value}".rstrip())


def show(result):
    print("Seed 000's function as one Python expression, and s2sad's Wengert list of it")
    print(f"run at (x1, x2) = {X}:\n")
    print(inspect.getsource(formula))
    print_wengert(result["formula"], result["formula_value"])
    print("\nPython adds left to right, so t5 = (sin(t1) + t1) - t4; the notes regroup to")
    print("v5 = v2 + (v1 - v3) and reuse v4. Written as the notes' trace, one operation a")
    print("line (`f` in this file), the rows match the notes. Tangent column x_dot = (1, 0)")
    print("and adjoint column y_bar = 1, from running s2sad's tangent and adjoint code:\n")
    print(f"{'':4}{'operation':18}{'value':>10}{'v_dot':>10}{'v_bar':>10}")
    for name, operation in result["rows"]:
        print(f"{name:4}{operation:18}{_cell(result['value'], name)}"
              f"{_cell(result['dot'], name)}{_cell(result['bar'], name)}")
    if any(name not in result["bar"] for name, _ in result["rows"]):
        print("\n-: the adjoint code never names this one: v2 only feeds the sum v5 = v2 + v4,")
        print("   so v2_bar would equal v5_bar, and the code uses v5_bar directly.")
    print(f"\ny = {result['value']['v6']:.4f} (the notes round each step and get 2.0167)")
    print(f"dy/dx1 = y_dot = x1_bar = {result['dot']['v6']:.4f},  "
          f"dy/dx2 = x2_bar = {result['bar']['x2']:.4f}")


if __name__ == "__main__":
    show(main())
