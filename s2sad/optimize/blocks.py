"""The blocks of loops and branches, rewritten by the same pass as the code around them.

A pass that rewrites a straight run of statements applies itself to each nested block the
same way; the nodes of the loop or branch itself are kept, so later passes see the same
objects.
"""


def nested(statements, rewrite):
    """`statements` (a new list) with `rewrite` applied to the blocks of loops and
    branches among them."""
    for statement in statements:
        for field in ("body", "orelse"):
            if getattr(statement, field, None):
                setattr(statement, field, rewrite(getattr(statement, field)))
    return list(statements)
