"""The intermediate representation between the two ends of the pipeline.

What comes in (from frontend/lower.py) and goes out (to the analyses and emitters) is the
same thing: a `Function` whose body is the Wengert list, one `Op` per elementary
operation in SSA form, with structured `If`, `For` and `While` blocks. kinds.py holds the
kinds of values (scalar, array of a rank and shape token, int, ...) that the analyses
attach to its variables, and naming.py the one `Namer` that makes every identifier the
generated code introduces.
"""
from .nodes import (APPEND, LIST, PUSH, Assert, Attr, Break, COPY, Const, For, Function,
                    Global, If, Method, OnList, Op, Packed, Part, Pop, SetItem, Slice, Tape,
                    Test, Var, While, atom_vars, on_tape, reads, split, statements, updates,
                    walk, writes)

__all__ = ["APPEND", "COPY", "LIST", "PUSH", "Assert", "Attr", "Break", "Const", "For", "Function",
           "Global", "If", "Method", "OnList", "Op", "Packed", "Part", "Pop", "SetItem", "Slice",
           "Tape", "Test", "Var", "While", "atom_vars", "on_tape", "reads", "split", "statements", "updates", "walk",
           "writes"]
