"""The statistics of A/B tests, kept free of Django so they can be checked by hand.

The two-proportion z-test with a pooled proportion is the textbook test for "did B
convert at a different rate than A": each trial (a visitor) converts or does not, and
the samples are large enough for the normal approximation (see MIN_TRIALS in
experiment_selectors, which withholds a verdict below it).
"""

import math


def two_proportion_test(
    successes_a: int, trials_a: int, successes_b: int, trials_b: int
) -> tuple[float, float] | None:
    """(z, two-sided p-value) for the difference between rate A and rate B; z is negative
    when A's rate is the lower. None when either side has no trials, since nothing can
    be said about a rate of zero observations."""
    for successes, trials in ((successes_a, trials_a), (successes_b, trials_b)):
        if trials < 0 or successes < 0 or successes > trials:
            raise ValueError("Successes must be between 0 and the number of trials.")
    if trials_a == 0 or trials_b == 0:
        return None
    rate_a = successes_a / trials_a
    rate_b = successes_b / trials_b
    pooled = (successes_a + successes_b) / (trials_a + trials_b)
    variance = pooled * (1 - pooled) * (1 / trials_a + 1 / trials_b)
    if variance == 0:
        # Both sides converted never or always: identical rates, no evidence of a difference.
        return 0.0, 1.0
    z = (rate_a - rate_b) / math.sqrt(variance)
    # Two-sided tail of the standard normal: P(|Z| >= |z|) = erfc(|z| / sqrt(2)).
    return z, math.erfc(abs(z) / math.sqrt(2))
