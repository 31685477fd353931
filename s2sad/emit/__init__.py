"""The emitters: derivative statements from the analysed IR.

What comes in is a `Spec`. tangent.py writes the forward-mode statements beside the
primal ones; adjoint.py writes the backward sweep, statement by statement in reverse,
accumulating adjoints incrementally (accumulator.py keeps them, operations.py writes the
adjoint of one statement); primal.py writes the primal statements (the forward
sweep of the adjoint, with its pushes), and composites.py fuses runs of operations whose
adjoint is cheaper as a whole. control.py holds how the two sweeps agree on the path
taken through branches and loops, values.py what the emitters know of the values they
write. assemble.py puts a derivative function together from them, runs the optimization
passes over it and compiles it. What goes out is a `Derived`.
"""
