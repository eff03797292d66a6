"""Precision and recall of the sponsor matcher on labelled Musterstadt data of several sizes."""

import pytest

from sample_data.sponsors import generate
from tests.matching_eval import match_generated, mistakes, score


@pytest.mark.parametrize(("companies", "sponsors", "seed"), [(400, 60, 7), (2000, 400, 3), (5000, 1000, 11)])
def test_precision_and_recall(companies, sponsors, seed):
    register, sponsor_list, truth = generate(companies, sponsors, seed=seed)
    result = match_generated(sponsor_list, register)
    precision, recall = score(result, truth)
    assert precision >= 0.95, mistakes(result, truth, sponsor_list, register)[:10]
    assert recall >= 0.95, mistakes(result, truth, sponsor_list, register)[:10]


def test_outside_look_alikes_are_never_matched():
    register, sponsor_list, truth = generate(2000, 400, seed=3)
    result = match_generated(sponsor_list, register)
    outside = set(truth.loc[truth["art"].isin(["doppelgänger", "auswärts"]), "sponsor_index"])
    assert outside
    assert result[result["sponsor_index"].isin(outside)]["company_index"].isna().all()
