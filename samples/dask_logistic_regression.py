"""Logistic regression on data held in chunks: 10⁷ rows fitted by gradient descent, with the
gradient s2sad writes for the NumPy loss of samples/logistic_regression.py, computed by a
local dask.distributed cluster one chunk at a time.

The loss is the same function as for in-memory data; only its arguments change. `X` and
`y` are Dask arrays whose chunks are made on the workers from a seed (as they would be
read from files), so no process ever holds the whole data: s2sad.value_and_grad returns a
lazy loss and gradient, `dask.compute` runs the graph on the cluster, and each worker
holds a few chunks at a time. The gradient is checked against the in-memory one on the
first chunk, and the peak memory of each worker is reported beside the chunk's size.

    python samples/dask_logistic_regression.py            # 10⁷ rows
    python samples/dask_logistic_regression.py 200000     # fewer rows
"""
import logging
import resource
import sys
import time

import dask
import dask.array as da
import numpy as np
from dask.distributed import Client, LocalCluster

import s2sad

W_TRUE = np.array([-0.5, 3.0, -2.0, 1.0])  # bias, then three feature weights
STEPS, RATE = 20, 2.0


def nll(w, X, y):
    """Mean negative log-likelihood of labels y in {0, 1} under P(y = 1) = sigmoid(X w)."""
    margin = (2 * y - 1) * (X @ w)
    return np.sum(np.logaddexp(0.0, -margin)) / len(y)


def chunk(seed, index, rows):
    """Chunk `index` of the data: a column of ones and standard normals, labels drawn from
    the model with weights W_TRUE; the same numbers wherever it is made."""
    rng = np.random.default_rng([seed, index])
    X = np.column_stack([np.ones(rows), rng.normal(size=(rows, len(W_TRUE) - 1))])
    y = (rng.random(rows) < 1 / (1 + np.exp(-X @ W_TRUE))).astype(float)
    return X, y


def dataset(rows, rows_per_chunk, seed=0):
    """`rows` rows as Dask arrays of chunks made lazily by `chunk`."""
    sizes = [min(rows_per_chunk, rows - start) for start in range(0, rows, rows_per_chunk)]
    made = [dask.delayed(chunk, nout=2)(seed, i, n) for i, n in enumerate(sizes)]
    X = da.concatenate([da.from_delayed(m[0], (n, len(W_TRUE)), float)
                        for m, n in zip(made, sizes)])
    y = da.concatenate([da.from_delayed(m[1], (n,), float) for m, n in zip(made, sizes)])
    return X, y


def peak_rss():
    """This process's peak resident memory in bytes (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def fit(X, y, steps=STEPS):
    """Gradient descent from w = 0; each step is one pass over the chunks."""
    loss_and_grad = s2sad.value_and_grad(nll)
    w, losses = np.zeros(len(W_TRUE)), []
    for _ in range(steps):
        loss, g = dask.compute(*loss_and_grad(w, X, y))
        losses.append(float(loss))
        w = w - RATE * g
    return w, losses


def main(rows=10**7, rows_per_chunk=500_000, workers=2, steps=STEPS):
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, memory_limit="2GiB",
                           dashboard_address=None, silence_logs=logging.ERROR)
    with cluster, Client(cluster) as client:
        at_start = client.run(peak_rss)
        X, y = dataset(rows, rows_per_chunk)
        # the gradient on the first chunk, by the cluster and in memory
        first = X.chunks[0][0]
        w = np.array([0.1, 0.2, -0.3, 0.4])
        lazy = s2sad.grad(nll)(w, X[:first], y[:first])
        X0, y0 = chunk(0, 0, first)
        in_memory = s2sad.grad(nll)(w, X0, y0)
        by_hand = X0.T @ (1 / (1 + np.exp(-X0 @ w)) - y0) / first
        started = time.perf_counter()
        w_fit, losses = fit(X, y, steps)
        seconds = time.perf_counter() - started
        peaks = client.run(peak_rss)
    return {"rows": rows, "rows_per_chunk": rows_per_chunk, "chunk_bytes":
            rows_per_chunk * (len(W_TRUE) + 1) * 8, "lazy_type": type(lazy).__name__,
            "subset": lazy.compute(), "in_memory": in_memory, "by_hand": by_hand,
            "w": w_fit, "losses": losses, "seconds": seconds, "steps": steps,
            "at_start": sorted(at_start.values()), "peaks": sorted(peaks.values())}


def show(result):
    mb = 2.0 ** 20
    rows, chunk_mb = result["rows"], result["chunk_bytes"] / mb
    print(f"{rows} rows in chunks of {result['rows_per_chunk']} rows ({chunk_mb:.0f} MB of "
          f"X and y each; {rows * (len(W_TRUE) + 1) * 8 / mb:.0f} MB in all)")
    difference = np.max(np.abs(result["subset"] - result["in_memory"]))
    print(f"gradient on the first chunk: a lazy {result['lazy_type']}; largest difference "
          f"from the in-memory one {difference:.1e}, from the formula "
          f"{np.max(np.abs(result['subset'] - result['by_hand'])):.1e}")
    losses = result["losses"]
    print(f"{result['steps']} gradient steps in {result['seconds']:.1f} s: loss "
          f"{losses[0]:.4f} -> {losses[-1]:.4f}, weights "
          f"{np.array2string(result['w'], precision=3)} (drawn with {W_TRUE})")
    for start, peak in zip(result["at_start"], result["peaks"]):
        print(f"worker peak memory {peak / mb:.0f} MB ({start / mb:.0f} MB after start: "
              f"{(peak - start) / mb:.0f} MB more, {(peak - start) / mb / chunk_mb:.1f} "
              "chunks)")


if __name__ == "__main__":
    show(main(*(int(arg) for arg in sys.argv[1:])))
