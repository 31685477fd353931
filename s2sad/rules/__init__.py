"""The derivative rule table, keyed by the primitive's resolved object."""
# each module registers its rows
from . import arrays, constructors, elementwise, indices, joins, shapes  # noqa: F401
from . import linalg  # noqa: F401
from . import reductions  # noqa: F401
from .base import TABLE, Add, Custom, Elementwise, NonDifferentiable, Rule, Scatter, Site, lookup

__all__ = ["TABLE", "Add", "Custom", "Elementwise", "NonDifferentiable", "Rule", "Scatter",
           "Site", "lookup"]
