"""Rule-table cases of the random draws (s2sad/rules/randoms.py): the draws of np.random and
the methods of a generator are constants of the derivative, drawn once where the function
draws them (in a loop too: the backward sweep saves them, never draws again), never
merged with an equal-looking draw; a differentiated parameter is refused with the
reparameterisation advice.
"""
import numpy as np
import pytest

import s2sad
from rulecheck import check_grad, rand
from s2sad.rules.randoms import DRAWS
from util import assert_close, numeric_grad

# the parameters each draw is called with in the table rows (then a size of 3)
PARAMETERS = {"uniform": "0.0, 1.0", "normal": "0.0, 1.0", "laplace": "0.0, 1.0",
              "logistic": "0.0, 1.0", "gumbel": "0.0, 1.0", "lognormal": "0.0, 1.0",
              "exponential": "1.0", "gamma": "2.0, 1.0", "standard_gamma": "2.0",
              "beta": "2.0, 3.0", "chisquare": "2.0", "standard_t": "3.0",
              "binomial": "5, 0.5", "poisson": "2.0", "geometric": "0.5",
              "randint": "0, 5", "integers": "0, 5"}


def _draw(name):
    parameters = PARAMETERS.get(name)
    return "3" if parameters is None else f"{parameters}, 3"


# the value of each draw is used as a mask that is always true: the rows are
# deterministic, and the gradient is that of `a * a`
NONDIFF = {}
for _name in DRAWS:
    _body = "np.sum(a * a * (np.abs({}) >= 0.0))"
    if hasattr(np.random, _name):
        NONDIFF[f"np.random.{_name}"] = (
            "a", _body.format(f"np.random.{_name}({_draw(_name)})"), (rand(3),), 0, None)
    if hasattr(np.random.Generator, _name):
        NONDIFF[f".{_name}()"] = (
            "a", _body.format(f"np.random.default_rng(1).{_name}({_draw(_name)})"),
            (rand(3),), 0, None)
NONDIFF["np.random.default_rng"] = (
    "a", "np.sum(a * np.random.default_rng(0).normal(size=3))", (rand(3),), 0, None)


def _seeded(fn, seed):
    def call(*args):
        np.random.seed(seed)
        return fn(*args)
    return call


def check_draws(gen):
    """The numbers a seeded function draws are those its derivative uses, in both modes,
    in a loop, two equal-looking draws apart; a generator made in the function or at
    module level."""
    bodies = ["np.sum(np.sin(x * np.random.randn(4)))",
              "np.sum(x * np.random.normal(0.0, 2.0, 4) + x * np.random.normal(0.0, 2.0, 4))",
              "sum([np.sum(np.sin(x * np.random.uniform(0.0, 1.0, 4)) ** 2) "
              "for i in range(3)])",
              "np.sum(x * np.random.default_rng(7).normal(size=4))",
              "np.sum(x * np.random.randn() * np.random.rand(4))"]
    x = rand(4)
    for body in bodies:
        fn = gen("x", body)
        for seed in (0, 1):
            np.random.seed(seed)
            got = s2sad.grad(fn)(x)
            assert_close(got, numeric_grad(_seeded(fn, seed), (x,)))
            np.random.seed(seed)
            _, dot = s2sad.jvp(fn, 0)(x, np.ones(4))
            np.random.seed(seed)
            assert_close(dot, np.sum(s2sad.grad(fn)(x)))
    check_grad(_loop_draw, (x,))
    check_grad(_module_generator, (x,))


def _loop_draw(x):
    rng = np.random.default_rng(3)
    total = 0.0
    for _ in range(3):
        noise = rng.normal(0.0, 1.0, 4)
        total = total + np.sum(np.cos(x * noise))
    return total


RNG = np.random.default_rng(11)


def _module_generator(x):
    """A module-level generator draws anew at each call: reseeded by the test."""
    return np.sum(x * np.abs(RNG.standard_normal(4)) ** 0.0)


def _reparameterised(mu, sigma):
    rng = np.random.default_rng(2)
    return np.sum((mu + sigma * rng.standard_normal(3)) ** 2)


def check_refusals(gen):
    """A differentiated parameter of a draw: refused at its line with the advice."""
    advice = r"\.py:\d+: .*draws random numbers with a parameter that depends on the " \
             r"differentiated input.*reparameterisation.*mu \+ sigma \* np\.random\.normal"
    for body in ("np.sum(np.random.normal(x, 1.0))",
                 "np.sum(np.random.default_rng(0).normal(x, 1.0, size=3))",
                 "np.sum(np.random.uniform(0.0, x))", "np.sum(np.random.randn(3) * "
                 "np.random.exponential(x))"):
        with pytest.raises(s2sad.UnsupportedError, match=advice):
            s2sad.grad(gen("x", body))(rand(3) + 2.0)
    with pytest.raises(s2sad.UnsupportedError, match=r"\.py:\d+: .*`loc=`"):
        s2sad.grad(gen("x", "np.sum(np.random.normal(loc=x))"))(rand(3))
    # what the advice says is differentiated
    check_grad(_reparameterised, (rand(3), 0.7), (0, 1))


CASES = {"np.random draws": lambda gen: (check_draws(gen), check_refusals(gen))}
