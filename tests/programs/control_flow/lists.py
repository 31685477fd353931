"""Lists as values: displays held in variables (known while lowering) and lists built by
`append` in loops and branches (built at run time), read by index, slice, iteration and
the calls that take a list whole."""
import math

import numpy as np

from .data import A, anyv, pos


# ---------------------------------------------------------------- lists known while lowering

def list_static_reads(a, b, c):
    p = [a, b * c, c]
    first, middle, last = p
    q = p[1:]
    return p[0] * p[-1] + first * middle * last + q[0] * len(q) + sum(p) * math.fsum(q)


def list_static_calls(a, b, c):
    p = [a, b, c]
    t = (c, a)
    return np.mean(p) * np.sum(p) + max(p) * min(p) + np.mean(t) + math.fsum(t) + sum(t)


def list_static_append(a, b):
    p = [a]
    p.append(a * b)
    if a > 0:
        s = 1.0
    else:
        s = -1.0
    p.append(math.sin(b))
    p.extend([a, b])
    total = 0.0
    for v in p:
        total = total + v * s
    return total + p[-2] * np.prod(np.array(p))


def list_static_join(a, x):
    p = [a, 2.0 * a]
    q = p + [a * a]
    r = q + [x[0]]
    return np.sum(np.stack([x * r[0], x * r[2], x * r[-1]])) + np.sum(np.vstack((x, x * a))) \
        + np.sum(np.array(r) * r[1])


def list_static_arrays(x, y):
    rows = [x, y * 2.0, x * y]
    m = np.vstack(rows)
    s = np.stack(rows, axis=1)
    h = np.hstack(rows)
    return np.sum(m * m) + np.sum(s[0] * s[1]) + np.sum(h ** 3)


def list_static_repeated(x, y):
    p = [x] * 2
    q = 2 * (x, x * y)
    r = (y, 2.0) + q
    return sum(p) * sum(q) + sum(3 * [x]) + math.fsum(r) * max(r)


def list_static_runtime_index(x, n):
    p = [x, x * x, math.sin(x)]
    total = 0.0
    for i in range(n):
        total = total + p[i % 3] * (i + 1)
    return total + p[n - 8]


# ---------------------------------------------------------------- lists built at run time

def list_append_sum(x, a, n):
    xs = []
    for t in range(n):
        x = a * x + math.sin(x)
        xs.append(x)
    return sum(xs)


def list_append_fsum_while(x, a):
    errors = []
    while x > 0.1:
        x = x * a
        errors.append((x - 0.5) ** 2)
    return math.fsum(errors) + len(errors) * x


def list_append_branch(x, n):
    kept = [x]
    for t in range(n):
        v = math.cos(x * (t + 1))
        if v > 0:
            kept.append(v * x)
        else:
            kept.append(x)
            kept.append(v)
    return sum(kept) * kept[-1] + max(kept) - min(kept)


def list_read_back(x, a, n):
    xs = [x]
    for t in range(n):
        xs.append(a * xs[-1] + 0.1 * xs[0] * math.sin(xs[-1]))
    return xs[-1] + xs[n // 2] * xs[-2]


def list_runtime_index(x, n, k):
    xs = []
    for t in range(n):
        xs.append(x ** (t + 1))
    return xs[k] + xs[-k] * xs[k - n]


def list_iterate(x, n):
    xs = []
    for t in range(n):
        xs.append(math.exp(-x * t))
    total = 0.0
    for v in xs:
        total = total + v * v
    for v in xs[1:-1]:
        total = total - v
    return total


def list_join_runtime(x, n):
    xs = []
    ys = [x, 2 * x]
    for t in range(n):
        xs.append(x * t)
        ys.append(x / (t + 1))
    zs = xs + ys
    both = zs + [x]
    return sum(both) * both[-1] + np.mean(zs) + np.sum(np.array(xs[1:] + ys[:2]))


def list_of_arrays(x, W, n):
    states = []
    h = x
    for t in range(n):
        h = np.tanh(W @ h + 0.1 * t)
        states.append(h)
    H = np.array(states)
    S = np.stack(states, axis=1)
    V = np.vstack(states)
    C = np.concatenate(states)
    return np.sum(H ** 2) + np.sum(S[0] * S[-1]) + np.sum(V) * np.sum(C * C) \
        + np.sum(states[-1] * states[0])


def list_of_arrays_sum(x, n):
    hs = [x]
    for t in range(n):
        hs.append(np.sin(hs[-1]) * 1.2)
    total = sum(hs)
    return np.sum(total * total) + np.sum(np.hstack(hs)) + np.mean(hs)


def list_of_matrices(M, n):
    ms = []
    for t in range(n):
        ms.append(M * (t + 1.0) + np.eye(2))
    V = np.vstack(ms)
    C = np.concatenate(ms, axis=1)
    H = np.hstack(ms)
    return np.sum(V ** 2) + np.sum(C * H) + np.sum(np.stack(ms) ** 3)


def list_extend(x, n):
    xs = []
    for t in range(n):
        xs.extend([x * t, math.sin(x + t)])
    ys = [x]
    ys.extend(xs)
    return sum(ys) * ys[-1]


def list_nested_loops(x, m, n):
    total = 0.0
    for i in range(m):
        row = []
        for j in range(n):
            row.append(math.sin(x * (i + 1) + j))
        total = total + sum(row) * row[-1]
    return total


def list_in_branch(x, flag):
    if flag:
        p = [x, x * x]
    else:
        p = [math.cos(x), x]
    return p[0] * p[1] + sum(p)


def list_while_length(x):
    xs = [x]
    while len(xs) < 5:
        xs.append(math.sin(xs[-1]) + x)
    return xs[-1] * len(xs)


def list_two_names(x):
    xs = [x, 2 * x]
    ys = xs
    return sum(ys) * xs[0]


def list_copied_then_appended(x, n):
    xs = []
    for t in range(n):
        xs.append(x * t)
    ys = xs + []
    ys.append(x * x)
    zs = list(ys)
    zs.append(x)
    p = list([x, 2.0 * x])
    p.append(x * x)
    return sum(ys) * sum(xs) + ys[-1] + zs[-1] * zs[0] * sum(zs) + sum(p)


def list_conditional_expression(x, c):
    a = [x, 2 * x]
    b = [math.exp(x)]
    z = a if c else b
    return sum(z) * z[-1]


def list_append_top_level_branch(x, c):
    xs = [x]
    if c > 0:
        xs.append(x * x)
    xs.append(math.sin(x))
    return sum(xs) * xs[-1]


def list_append_before_break(x):
    xs = []
    while True:
        x = x * 0.7
        if x < 0.2:
            break
        xs.append(x * x)
    return math.fsum(xs) + len(xs) * x


def list_rows_read_by_index(W, n):
    rows = []
    for t in range(n):
        rows.append(W[t] * (t + 1.0))
    total = 0.0
    for i in range(len(rows)):
        total = total + rows[i][0] * rows[i - 1][1]
    return total + np.sum(np.mean(rows, axis=0))


def list_integers_then_numbers(x, n):
    xs = [0]
    for t in range(n):
        xs.append(x * t)
    return sum(xs) * max(xs)


def list_while_on_last(x):
    xs = [x]
    while xs[-1] > 0.1:
        xs.append(xs[-1] * 0.5 + 0.01 * x)
    return sum(xs) * xs[-2]


def list_extend_in_loop(x, n):
    out = []
    for i in range(n):
        row = []
        for j in range(3):
            row.append(x * (i + j))
        out.extend(row)
    return sum(out) * out[-1]


def list_iterate_nested(x, n):
    xs = []
    ys = []
    for t in range(n):
        xs.append(math.cos(x * t))
    for v in xs:
        ys.append(v * v)
        for w in xs:
            ys.append(v * w)
    return sum(ys) + ys[n] * ys[-n]


def list_of_rows_written(x, n):
    rows = []
    for t in range(n):
        row = np.zeros(2)
        row[0] = x * t
        row[1] = math.sin(x) * x
        rows.append(row)
    return np.sum(np.stack(rows) ** 2)


def list_break_after(x, n):
    xs = []
    for t in range(n):
        if x * t > 2.0:
            break
        xs.append(math.sin(x * t))
    return sum(xs) * len(xs)


def list_branch_on_last(x, n):
    xs = [x]
    for t in range(n):
        if xs[-1] > 0.5:
            xs.append(xs[-1] * 0.9)
        elif t % 2 == 0:
            xs.append(xs[-1] + x)
    return sum(xs) * xs[-1]


def list_of_indices(x, n):
    idx = []
    for t in range(n):
        idx.append((t * 2) % len(x))
    total = 0.0
    for k in range(len(idx)):
        total = total + x[idx[k]] * x[idx[-1]]
    return total


def list_of_ragged_arrays(x, n):
    parts = []
    for t in range(n):
        parts.append(x[:t + 1] * (t + 1.0))
    c = np.concatenate(parts)
    return np.sum(c ** 2) + np.sum(np.hstack(parts) * c)


def list_helper_in_loop(x, n):
    total = 0.0
    for i in range(n):
        total = total + _running_mean(x * i, i + 1)
    return total


def list_helper(x, n):
    return list_append_sum(x, 0.5, n) * _running_mean(x, n)


def _running_mean(x, n):
    xs = []
    for t in range(n):
        xs.append(x / (t + 1))
    return np.mean(np.array(xs))


# ---------------------------------------------------------------- realistic

def trajectory_loss(v0, drag, target):
    """A projectile's path recorded with `append`, then the distance of its points to a
    target path."""
    p = np.zeros(2)
    v = v0
    traj = []
    for step in range(20):
        v = v - 0.05 * (drag * v * np.sqrt(np.sum(v * v)) + np.array([0.0, 9.81]))
        p = p + 0.05 * v
        traj.append(p)
    path = np.array(traj)
    return np.mean((path - target) ** 2)


def kalman_means(y, q, r):
    """A scalar Kalman filter keeping the lists of means and variances, and the
    negative log-likelihood of its innovations."""
    means, variances = [0.0], [1.0]
    nll = []
    for k in range(len(y)):
        prior = variances[-1] + q
        s = prior + r
        gain = prior / s
        innovation = y[k] - means[-1]
        means.append(means[-1] + gain * innovation)
        variances.append((1.0 - gain) * prior)
        nll.append(0.5 * (math.log(s) + innovation * innovation / s))
    return math.fsum(nll) + 0.1 * np.sum(np.array(means[1:]) ** 2) + variances[-1]


def kalman_arrays(y, A, Q):
    """A two-state Kalman filter keeping the lists of its means and covariances."""
    m = np.zeros(2)
    P = np.eye(2)
    means = []
    covariances = []
    for k in range(len(y)):
        m = A @ m
        P = A @ P @ A.T + Q
        S = P[0, 0] + 1.0
        K = P[:, 0] / S
        m = m + K * (y[k] - m[0])
        P = P - np.outer(K, P[0])
        means.append(m)
        covariances.append(P)
    M = np.stack(means)
    return np.sum(M ** 2) + np.sum(np.array(covariances)[:, 0, 0])


def running_errors(w, xs, ys):
    """A running list of squared errors of a linear model, summed."""
    errors = []
    for i in range(len(ys)):
        prediction = np.dot(w, xs[i])
        errors.append((prediction - ys[i]) ** 2)
    return sum(errors) / len(errors) + max(errors)


CASES = [
    (list_static_reads, (0.7, -0.4, 1.3), (0, 1, 2)),
    (list_static_calls, (0.7, -0.4, 1.3), (0, 1, 2)),
    (list_static_append, (0.6, 1.1), (0, 1)),
    (list_static_append, (-0.6, 1.1), (0, 1)),
    (list_static_join, (0.8, anyv(3)), (0, 1)),
    (list_static_arrays, (anyv(3), anyv(3)), (0, 1)),
    (list_static_repeated, (0.7, 1.3), (0, 1)),
    (list_static_runtime_index, (0.9, 7), 0),
    (list_append_sum, (0.3, 0.9, 5), (0, 1)),
    (list_append_sum, (0.3, 0.9, 0), (0, 1)),
    (list_append_fsum_while, (2.0, 0.7), (0, 1)),
    (list_append_branch, (0.8, 5), 0),
    (list_read_back, (0.4, 0.9, 6), (0, 1)),
    (list_runtime_index, (0.9, 6, 2), 0),
    (list_iterate, (0.3, 5), 0),
    (list_join_runtime, (0.7, 4), 0),
    (list_of_arrays, (anyv(3), anyv(3, 3), 4), (0, 1)),
    (list_of_arrays_sum, (anyv(4), 3), 0),
    (list_of_matrices, (anyv(2, 2), 3), 0),
    (list_extend, (0.6, 3), 0),
    (list_nested_loops, (0.4, 3, 4), 0),
    (list_in_branch, (0.7, True), 0),
    (list_in_branch, (0.7, False), 0),
    (list_while_length, (0.5,), 0),
    (list_two_names, (0.5,), 0),
    (list_copied_then_appended, (0.5, 3), 0),
    (list_copied_then_appended, (0.5, 0), 0),
    (list_conditional_expression, (0.4, True), 0),
    (list_conditional_expression, (0.4, False), 0),
    (list_append_top_level_branch, (0.5, 1.0), 0),
    (list_append_top_level_branch, (0.5, -1.0), 0),
    (list_append_before_break, (2.0,), 0),
    (list_rows_read_by_index, (anyv(4, 3), 4), 0),
    (list_integers_then_numbers, (0.5, 4), 0),
    (list_while_on_last, (2.0,), 0),
    (list_extend_in_loop, (0.3, 3), 0),
    (list_iterate_nested, (0.4, 3), 0),
    (list_of_rows_written, (0.5, 3), 0),
    (list_break_after, (0.7, 6), 0),
    (list_branch_on_last, (0.8, 6), 0),
    (list_branch_on_last, (0.3, 6), 0),
    (list_of_indices, (anyv(5), 6), 0),
    (list_of_ragged_arrays, (anyv(4), 4), 0),
    (list_helper_in_loop, (0.5, 4), 0),
    (list_helper, (0.6, 4), 0),
    (trajectory_loss, (A([3.0, 4.0]), 0.1, pos(20, 2)), (0, 1)),
    (kalman_means, (anyv(8), 0.3, 0.5), (0, 1, 2)),
    (running_errors, (anyv(3), anyv(6, 3), anyv(6)), 0),
    (kalman_arrays, (anyv(6), A([[1.0, 0.1], [0.0, 1.0]]), 0.1 * np.eye(2)), (0, 1, 2)),
]
