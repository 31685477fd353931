"""Functions the lowering writes as other operations (frontend/numpy_forms.py), listed in
the table so that the supported-functions page names them and the table test checks
them: np.select (a chain of np.where) and the index trick np.c_[...] (np.column_stack).
No operation has one of them as its primitive: the rows only state what the derivative
is. (np.r_[...] has a rule of its own, in joins_r.py.)
"""
from dataclasses import dataclass

import numpy as np

from ..errors import UnsupportedError
from .base import Custom, register


@dataclass(frozen=True)
class Rewritten(Custom):
    """A row for a function the lowering rewrites; reaching it is an internal error."""

    def out_kind(self, arg_kinds, consts):
        raise UnsupportedError(f"`{self.name}` is written as other operations while "
                               "lowering; write it in the call itself")


def _never(site):
    raise AssertionError("a rewritten function has no operation of its own")


def _row(name, doc):
    return Rewritten(name, None, _never, _never, doc=doc)


register(_row("np.select", "the chain of np.where it stands for: differentiable in the "
                           "choices and the default, constant in the conditions (lists "
                           "written in the call)"), np.select)
register(_row("np.c_", "`np.c_[a, b]`: np.column_stack of the items (vectors as columns, "
                       "matrices); each item's adjoint is its columns of `g`"), np.c_)
