"""The compiled backend: a derivative rewritten into a dialect numba compiles and run as
native code.

    dialect.py   the generated derivative rewritten for numba (tapes.py: its stack)
    support.py   what the dialect may call, checked before numba sees it
    runtime.py   numba forms of the run-time helpers the dialect calls
    compile.py   numba.njit, once per derivative, and numba's errors said at the user's line
"""
