"""Optimization passes over the generated statements (gast), run before printing.

What comes in is the emitted forward and backward sweeps as lists of gast statements;
what goes out is the same code, shorter and faster, computing the same numbers: constants
propagated (constants.py), negations folded and shared factors taken out (peephole.py),
linear chains folded (linear.py), outer products of a loop batched (batching.py), and array
statements computed in place where nothing else holds the array (inplace.py).
"""
