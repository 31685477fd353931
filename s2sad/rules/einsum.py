"""np.einsum with its subscripts a string literal, explicit ('ij,jk->ik') or implicit
('ij,jk'), repeated labels (diagonals, traces) and ellipses ('...ij,...jk->...ik', written
out as letters for the operands' ranks) included, or in the form with lists of axis
numbers (`np.einsum(a, [0, 1], b, [1, 2], [0, 2])`), read as the text it stands for.

Each operand's adjoint is another einsum, of the result's adjoint with the other operands
(an identity matrix ties the copies of a repeated label, a ones operand spreads a label
summed over in that operand alone); the tangent is the same einsum with one operand
replaced by its tangent, per operand.
"""
import dataclasses
import string

import gast
import numpy as np

from ..errors import UnsupportedError
from ..ir import kinds as K
from ..syntax.template import const
from .base import Add, Custom, register, total


@dataclasses.dataclass(frozen=True)
class Subscripts:
    """An einsum specification taken apart: one string of labels per operand and the
    output's labels (implicit mode's output made explicit: the labels used once, in
    alphabetical order, as NumPy does)."""
    terms: tuple
    out: str

    def fresh(self, count):
        """`count` labels the subscripts do not use, from `j` on."""
        used = set("".join(self.terms) + self.out)
        order = string.ascii_lowercase[9:] + string.ascii_lowercase[:9] + string.ascii_uppercase
        return [c for c in order if c not in used][:count]


def parse_subscripts(text, count=None, ranks=None):
    """`text` (as given to np.einsum) for `count` operands, or an UnsupportedError. An
    ellipsis is written out as letters the subscripts do not use, which needs the
    operands' `ranks`: each '...' stands for the operand's axes the letters do not name,
    aligned from the right with the other operands' (NumPy broadcasts them)."""
    if not isinstance(text, str):
        raise UnsupportedError("np.einsum is differentiated with its subscripts written as a "
                               "string literal in the call (`np.einsum('ij,j->i', a, x)`) or "
                               "as constant lists of axis numbers "
                               "(`np.einsum(a, [0, 1], x, [1], [0])`).")
    spec = text.replace(" ", "")
    if spec.count("->") > 1:
        raise UnsupportedError(f"np.einsum subscripts {text!r} have more than one '->'.")
    if "." in spec:
        spec = _written_out(spec, text, ranks)
    inputs, arrow, out = spec.partition("->")
    terms = tuple(inputs.split(","))
    if not all(label in string.ascii_letters for label in "".join(terms) + out):
        raise UnsupportedError(f"np.einsum subscripts {text!r}: labels must be letters.")
    if count is not None and len(terms) != count:
        raise UnsupportedError(f"np.einsum subscripts {text!r} name {len(terms)} operands, "
                               f"but {count} are passed.")
    labels = "".join(terms)
    if not arrow:
        out = "".join(sorted(label for label in set(labels) if labels.count(label) == 1))
    elif len(set(out)) != len(out) or any(label not in labels for label in out):
        raise UnsupportedError(f"np.einsum output {out!r} must name distinct labels of the "
                               "operands.")
    return Subscripts(terms, out)


def _written_out(spec, text, ranks):
    """`spec` with each '...' replaced by letters for the axes it stands for; in implicit
    mode the output is made explicit, the ellipsis's axes first (as NumPy orders them)."""
    inputs, arrow, out = spec.partition("->")
    terms = inputs.split(",")
    if any(term.replace("...", "").count(".") for term in terms + [out]):
        raise UnsupportedError(f"np.einsum subscripts {text!r}: an ellipsis is three dots.")
    if ranks is None or len(ranks) != len(terms) or None in ranks:
        raise UnsupportedError(f"np.einsum subscripts with an ellipsis ({text!r}) need the "
                               "ranks of the operands; call with example arguments (or "
                               "annotate the arrays) so that they are known.")
    spans = [rank - len(term.replace("...", "")) if "..." in term else 0
             for term, rank in zip(terms, ranks)]
    if min(spans) < 0:
        raise UnsupportedError(f"np.einsum subscripts {text!r} name more axes than an "
                               "operand has.")
    used = set(spec)
    spare = [c for c in string.ascii_uppercase[::-1] + string.ascii_lowercase[::-1]
             if c not in used][:max(spans)]
    spare = spare[::-1]
    written = [term.replace("...", "".join(spare[len(spare) - span:]))
               for term, span in zip(terms, spans)]
    if arrow:
        out = out.replace("...", "".join(spare))
    else:
        labels = "".join(t.replace("...", "") for t in terms)
        out = "".join(spare) + "".join(sorted(c for c in set(labels) if labels.count(c) == 1))
    return ",".join(written) + "->" + out


def _ranks(kinds):
    return [0 if kind.is_scalar else kind.ndim if kind.is_array else None for kind in kinds]


def _form(arg_kinds, consts):
    """The subscripts text and the positions of the operands, in either form: the
    subscripts first, or each operand followed by its list of axis numbers (then the
    output's list), which is written as the text it stands for."""
    if not (arg_kinds and arg_kinds[0].is_array):
        if "subscripts" not in consts:
            return None, range(1, len(arg_kinds))
        return consts["subscripts"], range(1, len(arg_kinds))
    lists = [consts.get(f"arg{position}") for position in range(1, len(arg_kinds), 2)]
    if len(arg_kinds) % 2:
        lists.append(consts.get(f"arg{len(arg_kinds) - 1}"))
    if any(not isinstance(axes, tuple) for axes in lists):
        raise UnsupportedError("np.einsum's lists of axis numbers must be written in the "
                               "call as lists of int constants (`np.einsum(a, [0, 1], x, "
                               "[1], [0])`).")
    terms = [_letters(axes) for axes in lists]
    operands = range(0, len(arg_kinds) - len(arg_kinds) % 2, 2)
    text = ",".join(terms[:len(operands)])
    if len(terms) > len(operands):
        text += "->" + terms[-1]
    return text, operands


def _letters(axes):
    letters = string.ascii_lowercase + string.ascii_uppercase
    if not all(axis is Ellipsis or type(axis) is int and 0 <= axis < 52 for axis in axes):
        raise UnsupportedError("np.einsum's axis numbers must be ints from 0 to 51 (or "
                               "`...`).")
    return "".join("..." if axis is Ellipsis else letters[axis] for axis in axes)


def _einsum_kind(arg_kinds, consts):
    text, positions = _form(arg_kinds, consts)
    operands = [arg_kinds[p] for p in positions]
    if any(kind.is_scalar for kind in operands):
        raise UnsupportedError("np.einsum of a number has no derivative rule; multiply by "
                               "it outside the einsum.")
    if text is None:
        return K.UNKNOWN
    if "." in text and None in _ranks(operands):
        return K.array(None)
    spec = parse_subscripts(text, len(operands), _ranks(operands))
    for term, kind in zip(spec.terms, operands):
        if kind.is_array and kind.ndim is not None and kind.ndim != len(term):
            raise UnsupportedError(f"np.einsum term {term!r} names {len(term)} axes of an "
                                   f"operand of rank {kind.ndim}.")
    return K.array(len(spec.out))


def _site_subscripts(site):
    """The subscripts (an ellipsis written out) and the operands' positions."""
    node = site.args[0]
    if site.kinds[0].is_array:
        text, positions = _form(site.kinds, site.consts)
    else:
        if not (isinstance(node, gast.Constant) and isinstance(node.value, str)):
            parse_subscripts(None)
        text, positions = node.value, range(1, len(site.args))
    ranks = _ranks([site.kinds[p] for p in positions])
    return parse_subscripts(text, len(positions), ranks), list(positions)


def _einsum_call(site, spec, terms, out, args):
    text = const(",".join(terms) + "->" + out)
    return gast.Call(func=site.fill("np.einsum"), args=[text] + list(args), keywords=[])


def _einsum_operand_adjoint(site, spec, positions, k):
    """The adjoint of operand k: the einsum of `g` (labelled like the output) with the
    other operands, giving operand k's labels. A label repeated in operand k's term (a
    diagonal, a trace) is renamed, with an identity matrix tying the copies together; a
    label summed over in operand k alone is spread by a ones operand."""
    term = spec.terms[k]
    operands = [site.args[p] for p in positions]
    array = operands[k]
    fresh = iter(spec.fresh(len(term)))
    inputs = [(spec.out, site.g)]
    inputs += [(t, arg) for j, (t, arg) in enumerate(zip(spec.terms, operands)) if j != k]
    labels = []
    for position, label in enumerate(term):
        if label in labels:
            renamed = next(fresh)
            labels.append(renamed)
            inputs.append((label + renamed, site.fill("np.eye(x.shape[p], dtype=x.dtype)",
                                                      x=array, p=const(position))))
        else:
            labels.append(label)
    result = "".join(labels)
    present = set("".join(t for t, _ in inputs))
    if any(label not in present for label in result):
        inputs.append((result, site.fill("np.ones_like(x)", x=array)))
    text = ",".join(t for t, _ in inputs) + "->" + result
    return gast.Call(func=site.fill("np.einsum"), args=[const(text)] + [v for _, v in inputs],
                     keywords=[])


def _einsum_adjoint(site):
    """Each operand's einsum; with an ellipsis, summed back to the operand's shape where
    it was broadcast (a length-one axis against a longer one)."""
    spec, positions = _site_subscripts(site)
    spread = "." in str(_text(site))
    return {p: Add(_einsum_operand_adjoint(site, spec, positions, k), reduce=spread)
            for k, p in enumerate(positions) if site.active[p]}


def _text(site):
    node = site.args[0]
    if isinstance(node, gast.Constant):
        return node.value
    return _form(site.kinds, site.consts)[0]


def _einsum_tangent(site):
    """The same einsum with one operand replaced by its tangent, per operand; in vector
    mode the tangent and the output get a new leading label for the directions."""
    spec, positions = _site_subscripts(site)
    operands = [site.args[p] for p in positions]
    terms = []
    for k, p in enumerate(positions):
        dot = site.dots[p]
        if dot is None:
            continue
        args = list(operands)
        args[k] = dot
        labels, out = list(spec.terms), spec.out
        if site.vector:
            direction = spec.fresh(1)[0]
            labels[k] = direction + labels[k]
            out = direction + out
        terms.append(_einsum_call(site, spec, labels, out, args))
    return total(terms)


class Einsum(Custom):
    """Every operand is differentiable, however many there are (the subscripts and lists
    of axis numbers are constants, never differentiated)."""

    def differentiable(self, position):
        return True


register(Einsum("np.einsum", _einsum_kind, _einsum_adjoint, _einsum_tangent,
                names=("subscripts",) + tuple(f"arg{i}" for i in range(1, 64)),
                doc="each operand's adjoint is another einsum, of `g` with the other "
                    "operands; subscripts a string literal, explicit ('ij,jk->ik') or "
                    "implicit ('ij,jk'), repeated labels (diagonals, traces) and ellipses "
                    "('...ij,...jk->...ik', broadcast) included, or lists of axis numbers "
                    "(`np.einsum(a, [0, 1], b, [1, 2], [0, 2])`)"),
         np.einsum)
