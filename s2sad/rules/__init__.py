"""The derivative rule table, keyed by the primitive's resolved object."""
from . import arrays, elementwise  # noqa: F401  (each module registers its rows)
from .base import TABLE, Add, Custom, Elementwise, NonDifferentiable, Rule, Scatter, Site, lookup

__all__ = ["TABLE", "Add", "Custom", "Elementwise", "NonDifferentiable", "Rule", "Scatter",
           "Site", "lookup"]
