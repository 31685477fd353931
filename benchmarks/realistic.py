"""What s2sad does with realistic user programs: each program of
tests/programs/realistic/ in reverse (`s2sad.grad`) and forward (`s2sad.jvp`) mode,
judged against central differences and the dual-number oracle.

    python benchmarks/realistic.py                 # the table and the totals
    python benchmarks/realistic.py --markdown      # the same as a Markdown table
    python benchmarks/realistic.py --only kalman   # the programs whose name contains WORD

A status is exact (matches the reference to rtol 1e-5), refused (an `s2sad.Error`: its
first line is shown), wrong (a mismatch: must never happen) or crash (any other exception:
a bug). The totals count programs: refused means refused in at least one mode.
"""
import argparse
import os
import sys
from collections import Counter

# run as a script, this folder comes first on the path: put the repository there instead,
# and tests/ for the programs and their references
_HERE = os.path.dirname(os.path.abspath(__file__))
_ROOT = os.path.dirname(_HERE)
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != _HERE]
sys.path[:0] = [_ROOT, os.path.join(_ROOT, "tests")]

from programs import realistic  # noqa: E402
from programs.realistic import verdict  # noqa: E402

STATUSES = (verdict.EXACT, verdict.REFUSED, verdict.WRONG, verdict.CRASH)


def parse(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--markdown", action="store_true", help="a Markdown table")
    parser.add_argument("--only", action="append", metavar="WORD",
                        help="only the programs whose name contains WORD (repeatable)")
    parser.add_argument("--width", type=int, default=70, metavar="N",
                        help="cut messages to N characters in the text table (0: whole)")
    return parser.parse_args(argv)


def judged(programs):
    """`(program, {mode: Verdict})` for each program."""
    return [(p, {mode: verdict.judge(p, mode) for mode in verdict.MODES}) for p in programs]


def overall(verdicts):
    """One status per program: the worst of its modes (crash, wrong, refused, exact)."""
    return max((v.status for v in verdicts.values()), key=STATUSES.index)


def rows(results, width):
    out = []
    for program, verdicts in results:
        cells = [program.name, ", ".join(program.constructs) or "-"]
        for mode in verdict.MODES:
            v = verdicts[mode]
            detail = v.detail if not width or len(v.detail) <= width \
                else v.detail[:width - 3] + "..."
            cells.append(f"{v.status}: {detail}" if detail else v.status)
        out.append(cells)
    return out


def totals(results):
    """Lines counting programs by overall status, and refusals by construct."""
    count = Counter(overall(v) for _, v in results)
    n = len(results)
    lines = [f"{n} programs: " + ", ".join(
        f"{count[s]} {s} ({100 * count[s] / n:.0f}%)" for s in STATUSES)]
    for mode in verdict.MODES:
        by_mode = Counter(v[mode].status for _, v in results)
        lines.append(f"  {mode}: " + ", ".join(f"{by_mode[s]} {s}" for s in STATUSES))
    with_constructs = [(p, v) for p, v in results if p.constructs]
    refused = [p for p, v in with_constructs if overall(v) != verdict.EXACT]
    lines.append(f"  programs using a construct beyond arithmetic, loops and branches: "
                 f"{len(with_constructs)}, of which not exact: {len(refused)}")
    plain = [(p, v) for p, v in results if not p.constructs]
    lines.append(f"  plain programs: {len(plain)}, of which not exact: "
                 f"{sum(overall(v) != verdict.EXACT for _, v in plain)}")
    return lines


def text_table(header, body):
    widths = [max(len(r[i]) for r in [header] + body) for i in range(len(header))]
    line = "  ".join("{:<%d}" % w for w in widths)
    return [line.format(*header).rstrip(), line.format(*("-" * w for w in widths)).rstrip()] + \
        [line.format(*r).rstrip() for r in body]


def markdown_table(header, body):
    def row(cells):
        return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"
    return [row(header), row(["---"] * len(header))] + [row(r) for r in body]


def main(argv=None):
    options = parse(argv)
    programs = [p for p in realistic.PROGRAMS
                if not options.only or any(w.lower() in p.name.lower() for w in options.only)]
    results = judged(programs)
    header = ["program", "constructs", *verdict.MODES]
    if options.markdown:
        lines = markdown_table(header, rows(results, None))
    else:
        lines = text_table(header, rows(results, options.width))
    print("\n".join(lines + [""] + totals(results)))


if __name__ == "__main__":
    main()
