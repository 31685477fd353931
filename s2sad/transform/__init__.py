"""Transformations of the Wengert list between the analyses and emission: loop
distribution (distribute.py) with the batched forms of operations (batched.py)."""
