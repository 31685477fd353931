"""Seed 000's evaluation trace, tangent column and adjoint column, from `s2sad.trace`.

The lecture notes evaluate

    y = f(x1, x2) = [sin(x1/x2) + x1/x2 - exp(x2)] * [x1/x2 - exp(x2)]

at (x1, x2) = (1.5, 0.5) one elementary operation at a time (v1 ... v6), then push the
tangent x_dot = (1, 0) forward through the same operations to get dy/dx1 = 3.0118.
`s2sad.trace` runs the function and tabulates its Wengert list the same way, with the
adjoint column (y_bar = 1) beside it: v_bar = dy/dv, the sensitivity of y to that one
intermediate, which the notes define but do not tabulate for this function. Its first
entry, x1_bar, equals y_dot: one backward sweep gives the whole gradient that forward
mode builds one direction at a time.

`griewank_walther_steps` (samples/seeds.py) is written the way the notes write the
trace, one operation per line, so the rows are the notes' rows. `griewank_walther`, the
same function as one expression, gives other intermediate rows: Python adds left to
right, so its list computes (sin(t1) + t1) - t4 where the notes regroup to
v5 = v2 + (v1 - v3) and reuse v4. y and the derivatives are the same.

    python samples/evaluation_trace.py
    s2sad trace samples/seeds.py:griewank_walther_steps --args "1.5, 0.5"
"""
import s2sad
from seeds import griewank_walther, griewank_walther_steps

X = (1.5, 0.5)


def main():
    """The traces (`s2sad.Trace`) of the notes' form and of the one-expression form at X,
    with the tangent along x_dot = (1, 0)."""
    return {"steps": s2sad.trace(griewank_walther_steps, *X, wrt=(0, 1)),
            "expression": s2sad.trace(griewank_walther, *X, wrt=(0, 1))}


def show(result):
    steps = result["steps"]
    print("Seed 000's function written as the notes' trace, one operation a line:\n")
    print(steps)
    y = steps.output
    print(f"y = {y.value:.4f} (the notes round each step and get 2.0167)")
    print(f"dy/dx1 = y_dot = x1_bar = {y.dot:.4f},  dy/dx2 = x2_bar = {steps.rows[1].bar:.4f}\n")
    print("The same function as one Python expression: other rows, the same y and "
          "derivatives.\n")
    print(result["expression"])


if __name__ == "__main__":
    show(main())
