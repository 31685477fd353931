"""A helper in a module of its own: inlined into its caller (it returns a pair), its
statements keep this file's lines."""
import math


def polar(r, t):
    u = r * math.cos(t)
    v = r * math.sin(t)
    return u, v
