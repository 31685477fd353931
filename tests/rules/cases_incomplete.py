"""Rule-table cases of the incomplete gamma and beta functions (s2sad/rules/incomplete.py):
scipy.special gammainc, gammaincc and betainc, differentiated in x; the shapes are
sampled as integers (never differentiated: tests/rules/test_scipy_rows.py checks that
differentiating them is refused)."""

DOMAINS = {
    "scipy.special.gammainc": [range(1, 5), (0.2, 5.0)],
    "scipy.special.gammaincc": [range(1, 5), (0.2, 5.0)],
    "scipy.special.betainc": [range(1, 4), range(1, 4), (0.05, 0.95)],
}
FLOAT64 = {"scipy.special.gammainc", "scipy.special.gammaincc", "scipy.special.betainc"}
