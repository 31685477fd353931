"""Rule-table cases of the scipy.stats distributions (s2sad/rules/distributions.py): the
pdf, logpdf, cdf and logcdf of norm, t, gamma and beta, elementwise rows checked by the
table test from their sampling domains (`DOMAINS`: x, the shape parameters, loc and
scale, each inside the support and where the density is smooth), for several shapes
broadcasting x against the parameters, in both modes and vector mode; float32 arguments
give the float64 derivatives SciPy's float64 values call for.

The cdf and logcdf rows take their shape parameters as integers here (not
differentiated): their derivative in them has no closed form and is refused
(tests/rules/test_stats.py checks the error, the keyword forms and the defaults).
"""
WIDE = (-2.0, 2.0)
SCALE = (0.5, 2.0)
T = {"pdf": (1.5, 6.0), "logpdf": (1.5, 6.0), "cdf": range(1, 6), "logcdf": range(1, 6)}
SHAPE = {"pdf": (0.8, 4.0), "logpdf": (0.8, 4.0), "cdf": range(1, 4), "logcdf": range(1, 4)}

DOMAINS = {}
for _method in ("pdf", "logpdf", "cdf", "logcdf"):
    DOMAINS[f"scipy.stats.norm.{_method}"] = [WIDE, WIDE, SCALE]
    DOMAINS[f"scipy.stats.t.{_method}"] = [WIDE, T[_method], WIDE, SCALE]
    DOMAINS[f"scipy.stats.gamma.{_method}"] = [(1.5, 4.0), SHAPE[_method], (-1.0, 1.0), SCALE]
    DOMAINS[f"scipy.stats.beta.{_method}"] = [(0.3, 0.6), SHAPE[_method], SHAPE[_method],
                                              (-0.2, 0.1), (1.0, 1.5)]
