"""The front end: from a Python function to its Wengert list, once per function.

What comes in is a function object. read.py finds the code it runs and parses its source
with gast; fence.py refuses, with the file and line, the constructs s2sad does not
differentiate; exits.py moves early returns and breaks to where the IR can hold them;
lower.py lowers the rest to the IR (one elementary operation per statement, SSA names),
a job per module (lower_statements.py, lower_control.py, lower_expressions.py,
lower_calls.py, lower_functions.py), resolving calls through calls.py, inlining the
calls whose values are known only while lowering (inline.py, callees.py: a helper
returning a tuple, a nested function, a lambda) and saying what to write instead of a
call it refuses (advice.py). What goes out is a `Front` (front.py): the IR function, its
namer, and the stamp that says when it must be made again (stamps.py, source_match.py).
"""
