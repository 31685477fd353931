"""Keyword arguments moved to the positions where a rule reads them.

A rule reads the values it differentiates, and a few constants, by position
(`site.args[1]`, the template name `b`), and its options by name (`site.consts["axis"]`,
however they were passed). A keyword naming one of the former must reach the rule at its
position, so the lowering moves it there:

    np.partition(x, kth=3)          ->  np.partition(x, 3)
    np.average(x, weights=w)        ->  np.average(x, None, w)     (a `signature` default)
    np.clip(x, max=1.0)             ->  np.clip(x, None, 1.0)      (`min=`/`max=` aliases)
    np.sum(x, axis=0)               ->  np.sum(x, axis=0)          (an option: kept)

Which keywords move:
- for a rule with a `signature` (its positional parameters' names and defaults, in
  order): every keyword it names, the gaps before them filled with the defaults; a
  keyword its `names` lists besides (`keepdims=`, a keyword-only `stable=`) stays one;
- for a `Custom` rule with `names` only: the keywords at positions it differentiates or
  holds constant (`kth`), with those before them, when together with the positional
  arguments they leave no gap (no defaults are known to fill one).

A position a rule reads that is still missing is a located error where the rule reads
it (`base.Site`), never a name left free in the generated code.
"""
from .. import ir
from ..rules.base import REQUIRED, Custom


class Misplaced(Exception):
    """A call whose keywords do not fit its rule: `construct` and `advice` for the
    located error (`{}` in the advice stands for the called function)."""

    def __init__(self, construct, advice):
        super().__init__(construct)
        self.construct, self.advice = construct, advice


def signature(rule):
    """The rule's positional parameters with their defaults, or ()."""
    return getattr(rule, "signature", None) or ()


def place(rule, atoms, kwargs):
    """`(atoms, kwargs)` with the keywords the rule reads by position moved there."""
    params = signature(rule)
    names = [name for name, _ in params] or list(getattr(rule, "names", ()))
    aliases = getattr(rule, "aliases", {})
    kwargs = [(aliases.get(key, key), atom) for key, atom in kwargs]
    keys = [key for key, _ in kwargs]
    for key in keys:
        if keys.count(key) > 1 or key in names[:len(atoms)]:
            raise Misplaced(f"`{key}` given twice", "pass it once.")
    if params:
        listed = set(names) | set(getattr(rule, "names", ()))
        unknown = [key for key in keys if key not in listed]
        if unknown:
            raise Misplaced(f"the keyword argument `{unknown[0]}=`",
                            "`{}` takes " + ", ".join(names) + ".")
        moved = [key for key in keys if key in names]
    else:
        moved = _read(rule, names, len(atoms), keys)
    if not moved:
        return tuple(atoms), tuple(kwargs)
    held = dict(kwargs)
    filled = list(atoms)
    for position in range(len(atoms), max(names.index(key) for key in moved) + 1):
        name = names[position]
        if name in held:
            filled.append(held.pop(name))
            continue
        default = params[position][1]
        if default is REQUIRED:
            raise Misplaced(f"a call without `{name}`", f"pass `{name}`.")
        filled.append(ir.Const(default))
    return tuple(filled), tuple(held.items())


def _read(rule, names, count, keys):
    """The keywords a `Custom` rule without a signature reads by position, with those
    before them, if they close every gap after the `count` positional arguments."""
    if not isinstance(rule, Custom) or getattr(rule, "packs", False):
        return []
    read = [names.index(key) for key in keys if key in names and (
        rule.differentiable(names.index(key)) or names.index(key) in rule.constants)]
    if not read or any(names[p] not in keys for p in range(count, max(read) + 1)):
        return []
    return names[count:max(read) + 1]
