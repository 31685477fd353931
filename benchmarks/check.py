"""Every gradient is checked against the hand-written one before it is timed: a
benchmark of a wrong gradient is worthless."""
import numpy as np

RTOL = 1e-8


class Disagreement(AssertionError):
    """Two gradients of one function differ by more than RTOL."""


def relative_error(value, reference):
    """max |value - reference| / max |reference|, inf if the shapes differ."""
    value, reference = np.asarray(value, dtype=float), np.asarray(reference, dtype=float)
    if value.shape != reference.shape:
        return np.inf
    scale = np.max(np.abs(reference), initial=0.0)
    error = np.max(np.abs(value - reference), initial=0.0)
    return error / scale if scale else error


def check(label, reference, results, names):
    """Raise Disagreement unless each of `results` ({column: tuple of gradients}) agrees
    with `reference`, one gradient per name in `names`, to RTOL."""
    for column, grads in results.items():
        if len(grads) != len(reference):
            raise Disagreement(f"{label}: {column} returns {len(grads)} gradients, the "
                               f"hand-written gradient {len(reference)}")
        for name, value, expected in zip(names, grads, reference):
            error = relative_error(value, expected)
            if not error <= RTOL:
                raise Disagreement(
                    f"{label}: the gradient with respect to {name} by {column} differs "
                    f"from the hand-written one by {error:.2e} (relative, limit {RTOL:g})")
