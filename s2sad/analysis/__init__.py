"""Analyses of the IR, per kinds of the arguments and differentiated parameters.

What comes in is a `Front`'s IR function and the kinds of the arguments. infer.py gives
each variable its kind; activity.py finds the variables that both depend on a
differentiated input and reach the result; soundness.py refuses an active operation no
rule covers; views.py refuses aliasing the derivative could not see (and maps the views
it can see); flow.py gives the path facts the backward sweep asks (what may be undefined,
what reaches a branch, what lives in one block); tape.py decides which overwritten values
the backward sweep needs saved. What goes out is a `Spec`
(specialise.py) and, for the adjoint, the set of values to push.
"""
