import math

import pytest

from tenant_apps.bio_sites.ab_stats import two_proportion_test


def test_a_known_difference_gives_the_textbook_z_and_p():
    # p_a = .20, p_b = .25, pooled .225: se = sqrt(.225 * .775 * 2/1000) = .018675
    z, p_value = two_proportion_test(200, 1000, 250, 1000)
    assert z == pytest.approx(-2.6774, abs=1e-3)
    assert p_value == pytest.approx(0.00742, abs=1e-4)


def test_the_test_is_symmetric_in_its_two_sides():
    z_ab, p_ab = two_proportion_test(200, 1000, 250, 1000)
    z_ba, p_ba = two_proportion_test(250, 1000, 200, 1000)
    assert z_ba == pytest.approx(-z_ab)
    assert p_ba == pytest.approx(p_ab)


def test_equal_rates_give_no_evidence():
    z, p_value = two_proportion_test(30, 300, 10, 100)
    assert z == pytest.approx(0)
    assert p_value == pytest.approx(1)


def test_a_small_difference_on_small_samples_is_not_significant():
    # 11/100 vs 10/100: z = 0.2307, p = 0.8176
    z, p_value = two_proportion_test(11, 100, 10, 100)
    assert z == pytest.approx(0.2307, abs=1e-3)
    assert p_value == pytest.approx(0.8176, abs=1e-3)


def test_unequal_sample_sizes():
    # Unequal sizes: the pooled formula written out (z = 2.019, p = 0.0435).
    z, p_value = two_proportion_test(90, 1000, 30, 500)
    pooled = 120 / 1500
    expected_z = (0.09 - 0.06) / math.sqrt(pooled * (1 - pooled) * (1 / 1000 + 1 / 500))
    assert z == pytest.approx(expected_z)
    assert p_value == pytest.approx(math.erfc(abs(expected_z) / math.sqrt(2)))
    assert 0.04 < p_value < 0.05


@pytest.mark.parametrize(
    "counts", [(0, 0, 5, 100), (5, 100, 0, 0), (0, 0, 0, 0)], ids=["a-empty", "b-empty", "both"]
)
def test_no_trials_give_no_result_rather_than_a_division_by_zero(counts):
    assert two_proportion_test(*counts) is None


@pytest.mark.parametrize("counts", [(0, 100, 0, 100), (100, 100, 50, 50)], ids=["never", "always"])
def test_no_variance_means_identical_rates(counts):
    assert two_proportion_test(*counts) == (0.0, 1.0)


@pytest.mark.parametrize("counts", [(11, 10, 1, 10), (-1, 10, 1, 10), (1, -10, 1, 10)])
def test_impossible_counts_are_refused(counts):
    with pytest.raises(ValueError):
        two_proportion_test(*counts)
