"""The tables: time ratios, first calls, and the issue's targets, as text or Markdown."""
from benchmarks import measure

NOTE_TANGENT = ("Google's Tangent, the other source-to-source AD tool for Python, has no "
                "column: its last release (0.1.9, December 2017) is written against the "
                "node classes of gast 0.2 (`gast.Num`, `gast.Str`), which later gast "
                "versions removed, and gast 0.2 predates the syntax tree of current Python, "
                "so it does not run on Python 3.11.")


def ratio(value, times="x"):
    if isinstance(value, str):
        return value
    if value < 10:
        return f"{value:.2f}{times}"
    if value < 100:
        return f"{value:.1f}{times}"
    return f"{value:,.0f}{times}"


def duration(seconds):
    if seconds is None or isinstance(seconds, str):
        return seconds or ""
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds * 1e9:.3g} ns"


def ratio_table(results, times="x"):
    """Columns measured for at least one function (the peers' only when not left out)."""
    columns = [c for c in measure.COLUMNS if any(c in r.cells for r in results)]
    rows = []
    for r in results:
        rows.append([r.label, duration(r.f_seconds)] +
                    [ratio(r.cells[c], times) if c in r.cells else "" for c in columns])
    return ["function", "f"] + columns, rows


def first_call_table(results, times="x"):
    jit = any("jax jit" in r.cells for r in results)
    compiled = any("s2sad numba" in r.cells for r in results)
    header = ["function", "s2sad first call", "same, median of 5 fresh"] + \
        ["s2sad numba first call"] * compiled + ["jax jit first call"] * jit + \
        ["s2sad grad() / by hand"]
    rows = []
    for r in results:
        versus = "" if r.scalar else ratio(r.cells["s2sad grad()"] / r.cells["by hand"], times)
        first = r.jit_first_call if r.jit_first_call is not None else r.cells.get("jax jit")
        rows.append([r.label, duration(r.first_call[0]), duration(r.first_call[1])] +
                    [duration(r.numba_first_call)] * compiled + [duration(first)] * jit +
                    [versus])
    return header, rows


def targets(results, times="x"):
    """[(target, measured, 'met' or 'not met')] for the issue's done-when targets."""
    results = [r for r in results if r.targeted]
    scalar = [r for r in results if r.scalar]
    arrays = [r for r in results if not r.scalar]
    rows = []
    if scalar:
        rows.append(_target(
            "scalar functions and loops: gradient ≤ 3× the function", scalar,
            lambda r: r.cells["s2sad grad()"], 3.0,
            lambda r: f"{ratio(r.cells['s2sad grad()'], times)} (compiled adjoint alone "
                      f"{ratio(r.cells['s2sad adjoint'], times)})"))
    if arrays:
        rows.append(_target(
            "NumPy functions: gradient within 1.15× of the hand-written one", arrays,
            lambda r: r.cells["s2sad grad()"] / r.cells["by hand"], 1.15,
            lambda r: ratio(r.cells["s2sad grad()"] / r.cells["by hand"], times)))
    if scalar:
        rows.append(_target(
            "scalar benchmarks: tangent ≤ 2.5× the function (the compiled tangent; jvp() "
            "adds its dispatch)", scalar,
            lambda r: r.cells["s2sad tangent"], 2.5,
            lambda r: f"{ratio(r.cells['s2sad tangent'], times)} (jvp() "
                      f"{ratio(r.cells['s2sad jvp()'], times)})"))
    rows += compiled_targets(results, times)
    rows += batched_targets(results, times)
    rows.append(_target(
        "first call (transform + compile + run) < 50 ms", results,
        lambda r: r.first_call[0], 0.050, lambda r: duration(r.first_call[0])))
    for r in results:
        if r.pushed is not None:
            pushed, trips = r.pushed
            floats = sum(type(v) is float for v in pushed)
            met = len(pushed) == trips == floats
            rows.append(("logistic map: the tape holds one float per trip",
                         f"{len(pushed):,} values pushed for {trips:,} trips, "
                         f"{floats:,} of them floats", "met" if met else "not met"))
    return rows


def compiled_targets(results, times="x"):
    """The compiled backend's goals: on the two scalar loops, at most 0.25× the function
    and below jax jit's gradient; on the Elman network with 64 hidden units, below jax
    jit's. Judged where the column was measured (numba installed)."""
    def numbers(r, *columns):
        return all(not isinstance(r.cells.get(c, ""), str) for c in columns)
    loops = [r for r in results if r.label.startswith(("logistic map", "loop sum"))
             and numbers(r, "s2sad numba")]
    elman = [r for r in results if "hidden 64" in r.label and numbers(r, "s2sad numba")]
    rows = []
    if loops:
        jit = all(numbers(r, "jax jit") for r in loops)
        rows.append(_target(
            "compiled backend (numba) on the scalar loops: gradient ≤ 0.25× the function"
            + (" and below jax jit's" if jit else ""), loops,
            lambda r: max(r.cells["s2sad numba"] / 0.25,
                          r.cells["s2sad numba"] / r.cells["jax jit"] if jit else 0.0), 1.0,
            lambda r: f"{ratio(r.cells['s2sad numba'], times)}" +
                      (f" (jax jit {ratio(r.cells['jax jit'], times)})" if jit else "")))
    if elman and all(numbers(r, "jax jit") for r in elman):
        rows.append(_target(
            "compiled backend (numba) on the Elman network, 64 hidden units: gradient below "
            "jax jit's", elman, lambda r: r.cells["s2sad numba"] / r.cells["jax jit"], 1.0,
            lambda r: f"{ratio(r.cells['s2sad numba'], times)} (jax jit "
                      f"{ratio(r.cells['jax jit'], times)})"))
    return rows


def batched_targets(results, times="x"):
    """Loop distribution's goals on the Elman network, in plain NumPy: the gradient at the
    restructured hand gradient's time or below (within 5%, the spread of a ratio from one
    process to the next), and below jax jit's; the second beside the loops alone, which
    no NumPy gradient can batch."""
    elman = [r for r in results if r.label.startswith("Elman") and
             isinstance(r.cells.get("by hand, restructured"), float)]
    rows = []
    if elman:
        rows.append(_target(
            "loop distribution: Elman gradient at or below the restructured hand gradient's "
            "(within 5%)", elman,
            lambda r: r.cells["s2sad grad()"] / r.cells["by hand, restructured"], 1.05,
            lambda r: f"{ratio(r.cells['s2sad grad()'], times)} (restructured "
                      f"{ratio(r.cells['by hand, restructured'], times)})"))
    jit = [r for r in elman if isinstance(r.cells.get("jax jit"), float)]
    if jit:
        rows.append(_target(
            "loop distribution: Elman gradient below jax jit's, in plain NumPy", jit,
            lambda r: r.cells["s2sad grad()"] / r.cells["jax jit"], 1.0,
            lambda r: f"{ratio(r.cells['s2sad grad()'], times)} (jax jit "
                      f"{ratio(r.cells['jax jit'], times)}" +
                      (f"; the loops alone {ratio(r.cells['loops alone'], times)}"
                       if isinstance(r.cells.get("loops alone"), float) else "") + ")"))
    return rows


def _target(what, results, value, limit, show):
    measured = "; ".join(f"{r.label}: {show(r)}" for r in results)
    met = all(value(r) <= limit for r in results)
    return what, measured, "met" if met else "not met"


def text(results, failures):
    parts = ["gradient time / function time (f: the plain function's time)",
             text_table(*ratio_table(results)), "",
             "first call of s2sad.grad(f) (transform + compile + run)",
             text_table(*first_call_table(results)), "", "targets"]
    for what, measured, verdict in targets(results):
        parts.append(f"  {verdict:8} {what}: {measured}")
    parts += _failure_lines(failures)
    return "\n".join(parts)


def _failure_lines(failures):
    if not failures:
        return []
    return ["", "peers that could not be timed:"] + \
        [f"  {label} on {case}: {why}" for (case, label), why in failures.items()]


def text_table(header, rows):
    widths = [max(len(row[i]) for row in [header] + rows) for i in range(len(header))]
    lines = []
    for row in [header] + rows:
        lines.append("  ".join(cell.ljust(w) if i == 0 else cell.rjust(w)
                               for i, (cell, w) in enumerate(zip(row, widths))))
    return "\n".join(lines)


def markdown_table(header, rows, numbers=True):
    """A Markdown table; with `numbers`, every column but the first aligned right."""
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join("---:" if i and numbers else "---"
                            for i in range(len(header))) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)
