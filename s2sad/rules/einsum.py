"""np.einsum with its subscripts a string literal, explicit ('ij,jk->ik') or implicit
('ij,jk'), repeated labels (diagonals, traces) included.

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


def parse_subscripts(text, count=None):
    """`text` (as given to np.einsum) for `count` operands, or an UnsupportedError."""
    if not isinstance(text, str):
        raise UnsupportedError("np.einsum is differentiated with its subscripts written as a "
                               "string literal in the call (`np.einsum('ij,j->i', a, x)`); the "
                               "form with lists of axis numbers has no derivative rule.")
    spec = text.replace(" ", "")
    if "." in spec:
        raise UnsupportedError(f"np.einsum subscripts with an ellipsis ({text!r}) have no "
                               "derivative rule; name every axis with a letter.")
    if spec.count("->") > 1:
        raise UnsupportedError(f"np.einsum subscripts {text!r} have more than one '->'.")
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


def _einsum_kind(arg_kinds, consts):
    operands = arg_kinds[1:]
    if arg_kinds and arg_kinds[0].is_array:
        raise UnsupportedError("np.einsum is differentiated with its subscripts as the first "
                               "argument, a string literal (`np.einsum('ij,j->i', a, x)`).")
    if any(kind.is_scalar for kind in operands):
        raise UnsupportedError("np.einsum of a number has no derivative rule; multiply by "
                               "it outside the einsum.")
    if "subscripts" not in consts:
        return K.UNKNOWN
    spec = parse_subscripts(consts["subscripts"], len(operands))
    for term, kind in zip(spec.terms, operands):
        if kind.is_array and kind.ndim is not None and kind.ndim != len(term):
            raise UnsupportedError(f"np.einsum term {term!r} names {len(term)} axes of an "
                                   f"operand of rank {kind.ndim}.")
    return K.array(len(spec.out))


def _site_subscripts(site):
    node = site.args[0]
    if not (isinstance(node, gast.Constant) and isinstance(node.value, str)):
        parse_subscripts(None)
    return parse_subscripts(node.value, len(site.args) - 1)


def _einsum_operand_adjoint(site, spec, k):
    """The adjoint of operand k: the einsum of `g` (labelled like the output) with the
    other operands, giving operand k's labels. A label repeated in operand k's term (a
    diagonal, a trace) is renamed, with an identity matrix tying the copies together; a
    label summed over in operand k alone is spread by a ones operand."""
    term = spec.terms[k]
    array = site.args[k + 1]
    fresh = iter(spec.fresh(len(term)))
    inputs = [(spec.out, site.g)]
    inputs += [(t, arg) for j, (t, arg) in enumerate(zip(spec.terms, site.args[1:])) if j != k]
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
    spec = _site_subscripts(site)
    return {k + 1: Add(_einsum_operand_adjoint(site, spec, k))
            for k in range(len(spec.terms)) if site.active[k + 1]}


def _einsum_tangent(site):
    """The same einsum with one operand replaced by its tangent, per operand; in vector
    mode the tangent and the output get a new leading label for the directions."""
    spec = _site_subscripts(site)
    operands = site.args[1:]
    terms = []
    for k, dot in enumerate(site.dots[1:]):
        if dot is None:
            continue
        args = list(operands)
        args[k] = dot
        if site.vector:
            direction = spec.fresh(1)[0]
            labels = list(spec.terms)
            labels[k] = direction + labels[k]
            text = const(",".join(labels) + "->" + direction + spec.out)
        else:
            text = const(site.args[0].value)
        terms.append(gast.Call(func=site.fill("np.einsum"), args=[text] + args, keywords=[]))
    return total(terms)


class Einsum(Custom):
    """Every operand after the subscripts is differentiable, however many there are."""

    def differentiable(self, position):
        return position >= 1


register(Einsum("np.einsum", _einsum_kind, _einsum_adjoint, _einsum_tangent,
                names=("subscripts",),
                doc="each operand's adjoint is another einsum, of `g` with the other "
                    "operands; subscripts a string literal, explicit ('ij,jk->ik') or "
                    "implicit ('ij,jk'), repeated labels (diagonals, traces) included; no "
                    "ellipsis ('...')"),
         np.einsum)
