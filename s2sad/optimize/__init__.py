"""Optimization passes over the generated statements (gast), run before printing.

What comes in is the emitted forward and backward sweeps as lists of gast statements;
what goes out is the same code, shorter and faster, computing the same numbers. One pass
a module, run in the order `passes.py` lists them: constants propagated (constants.py),
negations folded (negations.py), shared factors taken out (shared_factors.py), products
written into the slices that receive them (write_into.py), quotients reused
(quotients.py), incoming adjoints factored out of loop sums (scalar_factors.py), linear
chains folded (linear.py), outer products of a loop batched (batching.py), copies of an
adjoint read under the name they copy (copies.py), partials of a value a distributed loop
stacked computed for all its rows (trip_rows.py), values popped only to be kept read
from those rows instead (shifted_rows.py; both read stacked.py), lists of an adjoint's
rows popped once a trip read by row (row_pops.py), and array statements
computed in place where nothing else holds the array (inplace.py). The forward
sweep's temporaries are written back into their readers as it is printed
(forward_folding.py). What several passes ask of statements is in statements.py and
substitution.py.
"""
