"""The algebraic inversion of TaylorMLP in numpy, written from the scheme's equations.

A released plain block gives, per expanded neuron j, theta_n[:, j] = s^n W_j c_n(a_j) for
n = 1..N with c_n = act^(n) / n!, a_j = p_j + b_j, and p'_j = s_j p_j. The direction of W_j
cancels: for the right (a, s) the N columns are multiples of one vector, so the best (a, s) is
the one whose coefficient profile (s^n c_n(a))_n explains the columns with the least residual.
A grid search over a for both signs, refined by golden-section search, finds it; then
W_j = sum_n s^n c_n theta_n[:, j] / sum_n c_n^2, p_j = s p'_j, b_j = a_j - p_j and
c = theta_0 - sum_j W_j act(a_j). A gated block has no bias: a_j = p_j = s p'_j is known up to
the sign, so only the sign is searched (with theta_0 in the profile).
"""
import math

import numpy as np
from numpy.polynomial import Polynomial
from numpy.polynomial.hermite_e import hermeval

import weightgames as wg


def _sigmoid_polys(order):
    """P_m with sigmoid^(m)(x) = P_m(sigmoid(x)), m = 0..order."""
    polys = [Polynomial([0.0, 1.0])]
    dsig = Polynomial([0.0, 1.0, -1.0])  # s (1 - s)
    for _ in range(order):
        polys.append(polys[-1].deriv() * dsig)
    return polys


def coefficients(act, a, order):
    """c_n(a) = act^(n)(a) / n! for n = 0..order; a any shape, result [order + 1, *a.shape]."""
    a = np.asarray(a, dtype=np.float64)
    out = np.empty((order + 1,) + a.shape)
    if act == "silu":
        s = 1.0 / (1.0 + np.exp(-a))
        p = [q(s) for q in _sigmoid_polys(order)]
        out[0] = a * s
        for n in range(1, order + 1):
            out[n] = (a * p[n] + n * p[n - 1]) / math.factorial(n)
    elif act == "gelu":
        phi = np.exp(-0.5 * a * a) / math.sqrt(2 * math.pi)
        big_phi = 0.5 * (1 + np.vectorize(math.erf, otypes=[float])(a / math.sqrt(2)))

        def d_cdf(m):  # Phi^(m)
            if m == 0:
                return big_phi
            c = np.zeros(m)
            c[m - 1] = 1.0
            return (-1) ** (m - 1) * hermeval(a, c) * phi
        out[0] = a * big_phi
        for n in range(1, order + 1):
            out[n] = (a * d_cdf(n) + n * d_cdf(n - 1)) / math.factorial(n)
    else:
        raise wg.PluginError(f"activation '{act}' is not inverted by this adversary (silu and gelu are)")
    return out


def _fit(profile, gram):
    """Explained energy of each neuron's columns by its profile: (C^T G C) / (C^T C)."""
    num = np.einsum("...n,...nm,...m->...", profile, gram, profile)
    return num / np.maximum(np.einsum("...n,...n->...", profile, profile), 1e-300)


def _signed(c, s, first):
    powers = np.arange(first, first + c.shape[-1])
    return c * np.power(s[..., None], powers)


def invert_plain(theta, p_released, act, order, grid, span):
    """theta [N, out, k] for n = 1..N; returns a [k], s [k], W [out, k]."""
    k = theta.shape[2]
    gram = np.einsum("nok,mok->knm", theta, theta)
    grid_a = np.linspace(-span, span, grid)
    c_grid = np.moveaxis(coefficients(act, grid_a, order)[1:], 0, -1)  # [G, N]
    best_a, best_s, best_v = np.zeros(k), np.ones(k), np.full(k, -np.inf)
    for s in (1.0, -1.0):
        prof = _signed(c_grid, np.full(grid, s), 1)  # [G, N]
        energy = np.einsum("gn,knm,gm->gk", prof, gram, prof) / np.maximum((prof * prof).sum(1), 1e-300)[:, None]
        g = energy.argmax(0)
        better = energy[g, np.arange(k)] > best_v
        best_v = np.where(better, energy[g, np.arange(k)], best_v)
        best_a = np.where(better, grid_a[g], best_a)
        best_s = np.where(better, s, best_s)
    step = grid_a[1] - grid_a[0]
    lo, hi = best_a - step, best_a + step
    ratio = (math.sqrt(5) - 1) / 2

    def value(a):
        c = np.moveaxis(coefficients(act, a, order)[1:], 0, -1)
        return _fit(_signed(c, best_s, 1), gram)
    for _ in range(100):
        m1, m2 = hi - ratio * (hi - lo), lo + ratio * (hi - lo)
        left = value(m1) > value(m2)
        hi = np.where(left, m2, hi)
        lo = np.where(left, lo, m1)
    a = 0.5 * (lo + hi)
    prof = _signed(np.moveaxis(coefficients(act, a, order)[1:], 0, -1), best_s, 1)  # [k, N]
    w = np.einsum("kn,nok->ok", prof, theta) / (prof * prof).sum(1)[None, :]
    return a, best_s, w


def invert_gated(theta, p_released, act, order):
    """theta [N + 1, out, k] for n = 0..N; a = p = s p'. Returns s [k], W_down [out, k]."""
    gram = np.einsum("nok,mok->knm", theta, theta)
    best = None
    for s in (1.0, -1.0):
        sv = np.full(p_released.shape, s)
        prof = _signed(np.moveaxis(coefficients(act, s * p_released, order), 0, -1), sv, 0)
        e = _fit(prof, gram)
        if best is None:
            best = (e, sv, prof)
        else:
            take = e > best[0]
            best = (np.where(take, e, best[0]), np.where(take, sv, best[1]), np.where(take[:, None], prof, best[2]))
    _, s, prof = best
    w = np.einsum("kn,nok->ok", prof, theta) / (prof * prof).sum(1)[None, :]
    return s, w


def ext_w(challenge, rng):
    art = challenge.artifact
    meta = art.metadata
    order = int(meta["order"])
    grid = int(challenge.params["grid"])
    span = float(challenge.params["span"])
    answer = {}
    for i in range(int(meta["layers"])):
        act = meta[f"{i}.activation"]
        gated = meta[f"{i}.kind"] == "taylor-swiglu"
        p_rel = art[f"{i}.p"]
        if gated:
            theta = np.stack([art[f"{i}.theta.{n}"] for n in range(order + 1)])
            _, w = invert_gated(theta, p_rel, act, order)
            answer[f"{i}.W_down[S]"] = w
        else:
            theta = np.stack([art[f"{i}.theta.{n}"] for n in range(1, order + 1)])
            a, s, w = invert_plain(theta, p_rel, act, order, grid, span)
            b = a - s * p_rel
            answer[f"{i}.W[S]"] = w
            answer[f"{i}.b[S]"] = b
            answer[f"{i}.c"] = art[f"{i}.theta.0"] - w @ coefficients(act, a, 0)[0]
    return {name: answer[name] for name in challenge.protected if name in answer}


if __name__ == "__main__":
    wg.serve_adversary(ext_w=ext_w)
