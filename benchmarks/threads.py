"""One thread for every thread pool: BLAS and XLA read these variables when they load,
so `one_thread()` must run before NumPy (or JAX) is imported; if NumPy already is, it
starts the program again with them set."""
import os
import sys

VARIABLES = {name: "1" for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                                    "MKL_NUM_THREADS", "VECLIB_MAXIMUM_THREADS",
                                    "NUMEXPR_NUM_THREADS")}
VARIABLES["XLA_FLAGS"] = "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"


def one_thread():
    if all(os.environ.get(k) == v for k, v in VARIABLES.items()):
        return
    os.environ.update(VARIABLES)
    if "numpy" in sys.modules:
        os.execv(sys.executable, [sys.executable] + sys.argv)
