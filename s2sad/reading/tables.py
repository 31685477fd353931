"""An evaluation trace as a table: plain text, Markdown, CSV and JSON.

Text and Markdown are for reading: numbers to a few digits, small arrays written out,
big ones as their shape and a few entries, and long loops cut to their first and last
trips around one row that says how many were left out. CSV and JSON are for programs:
every row, every digit.
"""
import csv
import io
import json

import numpy as np

from ..errors import shown

_HEADERS = ("name", "trip", "operation", "value", "tangent", "adjoint", "line")
# the default of `trips=`: as the trace was taken
AS_TAKEN = object()
# arrays with more entries than this are shown as their shape and a few entries
_SMALL = 6


def text(trace, trips=3, digits=4):
    """The aligned plain-text table."""
    header, rows = _cells(trace, trips, digits)
    widths = [max(len(cell) for cell in column) for column in zip(header, *rows)]
    numeric = {"value", "tangent", "adjoint"}

    def line(cells):
        return "  ".join(cell.rjust(width) if title in numeric else cell.ljust(width)
                         for cell, width, title in zip(cells, widths, header)).rstrip()
    return "\n".join([_title(trace), "", line(header), "  ".join("-" * w for w in widths)]
                     + [line(row) for row in rows]) + "\n"


def markdown(trace, trips=3, digits=4):
    """A Markdown table under a one-line caption."""
    header, rows = _cells(trace, trips, digits)
    align = ["---:" if title in ("value", "tangent", "adjoint") else "---" for title in header]
    lines = [_title(trace), "", _md_row(header), _md_row(align)]
    lines += [_md_row(["`" + c + "`" if title == "operation" and c and not c.startswith("…")
                       else c for c, title in zip(row, header)]) for row in rows]
    return "\n".join(lines) + "\n"


def csv_text(trace):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(_HEADERS)
    for row in trace.rows:
        writer.writerow([row.name, ".".join(map(str, row.trip)), row.operation,
                         _exact(row.value), _exact(row.dot), _exact(row.bar),
                         "" if row.line is None else int(row.line)])
    return out.getvalue()


def json_text(trace):
    """One JSON object: how the trace was taken, and `rows`, one row a line."""
    head = {"function": trace.function, "inputs": list(trace.inputs), "wrt": list(trace.wrt),
            "direction": [_plain(d) for d in trace.direction],
            "cotangent": _plain(trace.cotangent), "result": trace.result}
    rows = [json.dumps({"name": row.name, "trip": list(row.trip), "operation": row.operation,
                        "value": _plain(row.value), "tangent": _plain(row.dot),
                        "adjoint": _plain(row.bar),
                        "line": None if row.line is None else int(row.line)})
            for row in trace.rows]
    lines = [f" {json.dumps(key)}: {json.dumps(value)}," for key, value in head.items()]
    return "{\n" + "\n".join(lines) + '\n "rows": [\n  ' + ",\n  ".join(rows) + "\n ]\n}\n"


def _title(trace):
    seeds = ", ".join(f"{name}_dot = {_brief(d)}" for name, d in
                      zip(trace.wrt, trace.direction))
    result = trace.result or "the result"
    return (f"{trace.function}: tangent along {seeds}; adjoint of {result} with "
            f"{trace.result or 'y'}_bar = {_brief(trace.cotangent)}")


def _brief(value):
    """A seed as the caption shows it: `1.0`, `[1.0, 0.0]`."""
    if np.ndim(value) == 0:
        return repr(_plain(value))
    return " ".join(np.array2string(np.asarray(value), separator=", ", threshold=8).split())


def _cells(trace, trips, digits):
    """The header and the rows as strings, without the trip and line columns when no
    row has one."""
    shown = shortened(trace.rows, trips)
    rows = []
    for row in shown:
        if isinstance(row, Gap):
            rows.append(["", "", f"… {row.trips} more trips …", "", "", "", ""])
            continue
        rows.append([row.name, ".".join(map(str, row.trip)), row.operation,
                     _short(row.value, digits), _short(row.dot, digits),
                     _short(row.bar, digits), "" if row.line is None else str(row.line)])
    keep = [i for i, title in enumerate(_HEADERS)
            if title not in ("trip", "line") or any(r[i] for r in rows)]
    return [_HEADERS[i] for i in keep], [[r[i] for i in keep] for r in rows]


class Gap:
    """Where a shortened table leaves out `trips` trips of a loop."""

    def __init__(self, trips):
        self.trips = trips


def shortened(rows, trips, depth=0):
    """`rows` with each run of a loop of more than 2 * `trips` + 1 trips cut to its first
    and last `trips` trips and a `Gap` between (a gap stands for two trips at least); loops inside the trips kept are cut in turn.
    `trips=None` keeps every row."""
    if trips is None:
        return list(rows)
    out, run = [], []
    for row in list(rows) + [None]:
        if row is not None and len(row.trip) > depth:
            if run and row.trip[depth] < run[-1].trip[depth]:
                out += _cut(run, trips, depth)
                run = []
            run.append(row)
            continue
        if run:
            out += _cut(run, trips, depth)
            run = []
        if row is not None:
            out.append(row)
    return out


def _cut(run, trips, depth):
    groups = []
    for row in run:
        if not groups or groups[-1][-1].trip[depth] != row.trip[depth]:
            groups.append([])
        groups[-1].append(row)
    if len(groups) > 2 * trips + 1:
        groups = groups[:trips] + [Gap(len(groups) - 2 * trips)] + groups[-trips:]
    out = []
    for group in groups:
        out += [group] if isinstance(group, Gap) else shortened(group, trips, depth + 1)
    return out


def _short(value, digits):
    """A value to read: numbers to `digits` decimals, small arrays written out, big ones
    as their shape and first and last entries."""
    if value is None:
        return ""
    if isinstance(value, (bool, np.bool_, int, np.integer, str)):
        return str(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_short(v, digits) for v in value) + "]"
    if np.ndim(value) == 0 and isinstance(value, (float, complex, np.number)):
        return _number(value, digits)
    if not isinstance(value, np.ndarray):
        return shown(value, width=60)
    if value.size <= _SMALL:
        if value.dtype.kind not in "fc":
            return " ".join(np.array2string(value, separator=", ").split())
        options = {"formatter": {"all": lambda v: _trimmed(_number(v, digits))},
                   "separator": ", "}
        return " ".join(np.array2string(value, **options).split())
    flat = value.ravel()
    entries = ", ".join(_trimmed(_number(v, digits)) for v in flat[:3])
    return f"{value.shape} [{entries}, …, {_trimmed(_number(flat[-1], digits))}]"


def _trimmed(text):
    """`0.5000` as `0.5`, `1.0000` as `1.0`: an array's entries are read together."""
    if "." not in text or "e" in text or "j" in text:
        return text
    return text.rstrip("0") + ("0" if text.rstrip("0").endswith(".") else "")


def _number(value, digits):
    if isinstance(value, (complex, np.complexfloating)):
        return f"{value:.{digits}g}"
    value = float(value)
    if value == 0 or 1e-3 <= abs(value) < 1e6 or not np.isfinite(value):
        text = f"{value:.{digits}f}"
        return text[1:] if text.startswith("-") and not text.strip("-0.") else text
    return f"{value:.{digits}e}"


def _md_row(cells):
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"


def _plain(value):
    """A value as JSON holds it: arrays as nested lists, complex numbers as [re, im]."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    array = np.asarray(value)
    if array.dtype.kind == "c":
        return _plain(np.stack([array.real, array.imag], axis=-1).tolist())
    if array.dtype.kind in "biuf":
        return array.tolist()
    return shown(value, width=60)


def _exact(value):
    """A CSV cell: a number with all its digits, an array as a JSON list."""
    if value is None:
        return ""
    if np.ndim(value) == 0 and not isinstance(value, (list, tuple)):
        plain = _plain(value)
        return repr(plain) if isinstance(plain, float) else str(plain)
    return json.dumps(_plain(value))
