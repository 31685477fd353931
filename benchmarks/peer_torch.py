"""PyTorch in eager mode, float64, one thread: the function runs on tensors (the
differentiated ones are leaves that require gradients) and `torch.autograd.grad` runs
the backward pass."""
import types

import torch

from benchmarks.peers import Prepared, rebind

torch.set_num_threads(1)
VERSION = torch.__version__.split("+")[0]


def _tensor(value):
    return torch.as_tensor(value, dtype=torch.float64)


_NUMPY = types.SimpleNamespace(
    sin=torch.sin, cos=torch.cos, exp=torch.exp, log=torch.log, tanh=torch.tanh,
    sum=torch.sum, logaddexp=lambda a, b: torch.logaddexp(_tensor(a), _tensor(b)),
    zeros=lambda shape: torch.zeros(shape, dtype=torch.float64))


def _argument(value, differentiated):
    if isinstance(value, int) and not differentiated:
        return value
    tensor = torch.tensor(value, dtype=torch.float64) if isinstance(value, float) \
        else torch.from_numpy(value)
    return tensor.requires_grad_(True) if differentiated else tensor


def _to_numpy(grads):
    return tuple(g.item() if g.dim() == 0 else g.numpy() for g in grads)


def prepare(case):
    fn = rebind(case.fn, np=_NUMPY, math=_NUMPY)
    args = [_argument(a, i in case.wrt) for i, a in enumerate(case.args)]
    leaves = [args[i] for i in case.wrt]

    def run():
        return torch.autograd.grad(fn(*args), leaves)
    return Prepared(run, _to_numpy)


COLUMNS = [("torch", prepare)]
