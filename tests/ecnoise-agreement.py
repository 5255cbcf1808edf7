#!/usr/bin/env python3
"""ecnoise-agreement.py -- why noise.c's agreement test cannot tell its
maximum over est[k], est[k+1], est[k+2] from one over est[k], est[k+2]
alone (the mutant est[k + 1] -> est[k] of `make mutation', reviewed
equivalent in doc/robustness.md).

core_ecnoise (src/lib/check/noise.c) takes level k when max <= 4 min of
sigma_k, sigma_k+1, sigma_k+2, sigma_j^2 = gamma_j |Delta^j f|^2 / (9 - j)
over f's 9 values, gamma_j = (j!)^2 / (2j)!, eq. (0.4).  Leaving sigma_k+1
out of the maximum changes the decision only when sigma_k+1 > 4 min and
the other two are within 4 min; min is then sigma_k (needs sigma_k+1 >
4 sigma_k) or sigma_k+2 (needs sigma_k+1 > 4 sigma_k+2 >= sigma_k).
With u = Delta^k f (any vector of R^L, L = 9 - k: Delta^k is onto) these
are quadratic forms A = sigma_k^2, B = sigma_k+1^2, C = sigma_k+2^2 of u:
  - B <= 16 A for every u: 16 A - B is positive semidefinite;
  - no u has B > 16 C and A <= 16 C: for the lambda printed,
    lambda (A - 16 C) - (B - 16 C) is positive semidefinite (the S-lemma's
    certificate: A <= 16 C then gives B - 16 C <= lambda (A - 16 C) <= 0),
    even with 16 (1 - 1/1000) C and 16 (1 + 1/1000) C in place of 16 C,
    a margin far above the rounding of the sigmas.
Each is checked in exact rational arithmetic (an LDL^T whose pivots are
all >= 0).  Run: python3 tests/ecnoise-agreement.py"""
from fractions import Fraction as F


def diff_rows(L, j):
    """Delta^j on R^L: (L - j) rows of L rationals"""
    rows = [[F(int(i == c)) for c in range(L)] for i in range(L)]
    for _ in range(j):
        rows = [[rows[i + 1][c] - rows[i][c] for c in range(L)] for i in range(len(rows) - 1)]
    return rows


def gram(D, L):
    return [[sum(r[a] * r[b] for r in D) for b in range(L)] for a in range(L)]


def semidefinite(M):
    """M symmetric positive semidefinite: Gaussian elimination (LDL^T), every
    pivot >= 0, a zero pivot's row zero"""
    M = [row[:] for row in M]
    n = len(M)
    for p in range(n):
        if M[p][p] < 0:
            return False
        if M[p][p] == 0:
            if any(M[p][q] != 0 for q in range(p, n)):
                return False
            continue
        for i in range(p + 1, n):
            f = M[i][p] / M[p][p]
            for j in range(p, n):
                M[i][j] -= f * M[p][j]
    return True


def main():
    gamma = [F(1)]
    for j in range(1, 7):
        gamma.append(gamma[-1] * F(j, 2 * (2 * j - 1)))      # (j!)^2 / (2j)!
    ok = True
    for k in range(1, 5):                                   # k + 2 <= 6 levels
        L = 9 - k
        A = [[gamma[k] / L * int(a == b) for b in range(L)] for a in range(L)]
        B = [[gamma[k + 1] / (L - 1) * x for x in r] for r in gram(diff_rows(L, 1), L)]
        C = [[gamma[k + 2] / (L - 2) * x for x in r] for r in gram(diff_rows(L, 2), L)]
        lam = F(1, 8) if k < 4 else F(3, 16)
        d = F(1, 1000)
        no_b = semidefinite([[16 * A[a][b] - B[a][b] for b in range(L)] for a in range(L)])
        no_c = semidefinite([[lam * (A[a][b] - 16 * (1 + d) * C[a][b])
                              - (B[a][b] - 16 * (1 - d) * C[a][b]) for b in range(L)]
                             for a in range(L)])
        print("level %d: 16 A - B >= 0: %s; lambda %s: certificate %s" % (k, no_b, lam, no_c))
        ok = ok and no_b and no_c
    print("equivalent" if ok else "NOT shown")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
