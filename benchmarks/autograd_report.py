"""The tables of benchmarks/autograd_suite.py: per file, the checks autograd passes and
what s2sad made of them; the refusals grouped by cause; every wrong or crashed check.
"""
import json
import os
import re
import subprocess
from collections import Counter, defaultdict

try:
    from .autograd_checks import CRASH, EXACT, KINK, PLAIN_FAILS, REFUSED, WRONG
except ImportError:                         # beside autograd_suite.py run as a script
    from autograd_checks import CRASH, EXACT, KINK, PLAIN_FAILS, REFUSED, WRONG

COLUMNS = ("file", "autograd passes", "autograd only", "checks", EXACT, KINK, REFUSED, WRONG,
           CRASH, "% exact")


def heading(s2sad, options, seconds):
    """Which s2sad was measured (its tree, commit, and whether it had uncommitted
    changes), against which autograd tests, and how long the run took."""
    tree = os.path.dirname(os.path.dirname(os.path.abspath(s2sad.__file__)))
    commit = _git(["-C", tree, "log", "-1", "--format=%h %cs"]) or "?"
    if _git(["-C", tree, "status", "--porcelain", "--untracked-files=no"]):
        commit += " with uncommitted changes"
    autograd = _git(["--git-dir", options.autograd, "log", "-1", "--format=%h %cs",
                     options.revision]) or "work tree"
    return (f"s2sad {s2sad.__version__} from {tree} (commit {commit}); autograd tests "
            f"from {options.autograd} ({autograd}); {seconds:.0f} s")


def _git(arguments):
    return subprocess.run(["git", *arguments], capture_output=True, text=True).stdout.strip()


def rows(records):
    """One row per file and a total: checks autograd passes; of those, the ones whose
    function runs on plain NumPy/SciPy (the checks) and s2sad's outcomes on them."""
    by_file = defaultdict(list)
    for record in records:
        by_file[record.file].append(record)
    table = [_row(name, found) for name, found in by_file.items()]
    return table + [_row("total", records)]


def _row(name, records):
    passed = [r for r in records if r.autograd_ok]
    foreign = sum(r.status == PLAIN_FAILS for r in passed)
    counts = Counter(r.status for r in passed)
    judged = len(passed) - foreign
    share = f"{100 * counts[EXACT] / judged:.1f}" if judged else "-"
    return (name, len(passed), foreign, judged, counts[EXACT], counts[KINK], counts[REFUSED],
            counts[WRONG], counts[CRASH], share)


# (pattern, cause): the first that matches names a refusal's cause; group 1, where there
# is one, is its subject (the function without a rule, ...)
CAUSES = (
    (r"has no derivative rule for `([^`]+)`", "no derivative rule for a library function"),
    (r"`([^`]+)` is a method of an object of type", "a method of a library object"),
    (r"is differentiated, but it is (?:an array of dtype complex|a complex)",
     "a complex argument"),
    (r"lambda functions are not supported", "a lambda given to s2sad"),
    (r"(np\.einsum) subscripts with an ellipsis", "einsum subscripts with an ellipsis"),
    (r"(np\.\w+)\[\.\.\.\]` builds an array", "np.r_ / np.c_ of differentiated values"),
    (r"`\w+` of (np\.[\w.]+) must be", "an argument form without a rule"),
    (r"np\.einsum is differentiated with its subscripts as the first argument",
     "np.einsum in the sublist form (operand, axes, ...)"),
    (r"the cotangent does not have the structure of the result", "a list result (the "
     "vjp wants its cotangent as a tuple)"),
    (r"keyword arguments to `([^`]+)`", "keyword arguments to a rule that takes them "
     "positionally"),
    (r"`([^`(]+)(?:\(\.\.\.\))?` (?:of|has no derivative rule|makes|converts)",
     "a form of a call without a rule"),
)
SPELLINGS = (("np.", "numpy."), ("npr.", "numpy.random."), ("spla.", "scipy.linalg."),
             ("special.", "scipy.special."), ("stats.", "scipy.stats."))


def cause(message):
    """`(cause, subject)` of a refusal: its kind, and what it is about (a function's
    dotted name), so the refusals of one missing rule or construct fall together."""
    text = re.sub(r"^\S*?:\d+: ", "", message)
    for pattern, name in CAUSES:
        found = re.search(pattern, text)
        if found:
            return name, _spelled(found.group(1)) if found.groups() else ""
    text = re.sub(r" in function '[^']*'", "", text)
    text = re.sub(r"'[^']*'", "'...'", text)
    return text.split(". ")[0], ""


def _spelled(name):
    for short, full in SPELLINGS:
        if name.startswith(short):
            return full + name[len(short):]
    return name


def groups(records, status):
    """`[(cause, count, [(subject, count)...])]`, the most frequent first; a cause that
    names no function lists the tests it stops instead."""
    by_cause = defaultdict(Counter)
    for record in records:
        if record.autograd_ok and record.status == status:
            name, subject = cause(record.message)
            by_cause[name][subject or record.test] += 1
    return sorted(((name, sum(c.values()), c.most_common()) for name, c in by_cause.items()),
                  key=lambda g: -g[1])


def everything(records, errors, markdown=False):
    lines = [_table(rows(records), markdown), ""]
    for status, title in ((REFUSED, "Refusals by cause"), (CRASH, "Crashes by cause")):
        found = groups(records, status)
        if found:
            lines += [f"{title} (checks autograd passes):", ""]
            for name, count, subjects in found:
                lines.append(f"{count:5d}  {name}")
                lines.append("       " + ", ".join(f"{s} ({n})" for s, n in subjects))
            lines.append("")
    bad = [r for r in records if r.autograd_ok and r.status in (WRONG, CRASH, KINK)]
    if bad:
        lines += ["Wrong, crashed and kink checks:", ""]
        lines += [f"  {r.status}: {r.file}::{r.test} #{r.index} {r.function}({r.arguments}) "
                  f"wrt {r.argnums} {'/'.join(r.modes)}: {r.message}" for r in bad] + [""]
    foreign = Counter((r.function, r.message) for r in records
                      if r.autograd_ok and r.status == PLAIN_FAILS)
    if foreign:
        lines += ["Left out, not plain NumPy/SciPy (autograd passes them):", ""]
        lines += [f"{n:5d}  {f}: {m}" for (f, m), n in foreign.most_common()] + [""]
    failed = [r for r in records if not r.autograd_ok]
    if failed:
        outcomes = Counter(r.status for r in failed)
        lines += [f"Checks autograd fails (not counted): {len(failed)}; s2sad on them: "
                  + ", ".join(f"{k} {v}" for k, v in outcomes.most_common()), ""]
    if errors:
        lines += [f"Test bodies that raised outside the checks (not counted): {len(errors)}"]
        lines += [f"  {f}::{t}: {m}" for f, t, m, _ in errors] + [""]
    return "\n".join(lines)


def _table(table, markdown, columns=COLUMNS):
    if markdown:
        head = "| " + " | ".join(columns) + " |"
        rule = "|" + "|".join("---" if i == 0 else "---:" for i in range(len(columns))) + "|"
        return "\n".join([head, rule] + ["| " + " | ".join(map(str, r)) + " |" for r in table])
    widths = [max(len(str(x)) for x in column) for column in zip(columns, *table)]
    return "\n".join("  ".join(str(x).rjust(w) if i else str(x).ljust(w)
                               for i, (x, w) in enumerate(zip(r, widths)))
                     for r in [columns] + table)


def dump(file, records, errors, heading=""):
    json.dump({"heading": heading, "checks": records,
               "test_errors": [dict(zip(("file", "test", "message", "traceback"), e))
                               for e in errors]}, file, indent=1, default=repr)


def compared(runs, markdown=False):
    """The share of checks exact by file in each run (`{label: [record dicts]}`, runs
    over the same suite, e.g. several branches), and in their union: the checks exact in
    at least one run, what merging them would give if they do not interfere."""
    labels = list(runs)
    counted = {label: {_key(r): r for r in records if r["autograd_ok"]
                       and r["status"] != PLAIN_FAILS} for label, records in runs.items()}
    files = list(dict.fromkeys(r["file"] for r in runs[labels[0]]))
    table = []
    for name in files + ["total"]:
        keys = [k for k in counted[labels[0]] if name in ("total", k[0])]
        exact = [{k for k in keys if counted[label].get(k, {}).get("status") == EXACT}
                 for label in labels]
        table.append([name, len(keys)] + [_share(len(e), len(keys)) for e in exact]
                     + [_share(len(set().union(*exact)), len(keys))])
    bad = ["wrong+crash", ""] + [str(sum(r["status"] in (WRONG, CRASH)
                                         for r in counted[label].values()))
                                 for label in labels] + [""]
    return _table(table + [bad], markdown, ["file", "checks"] + labels + ["union"])


def _key(record):
    return record["file"], record["test"], record["index"]


def _share(part, whole):
    return f"{100 * part / whole:.1f}" if whole else "-"
