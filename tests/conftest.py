"""Fixtures shared by the test modules."""

import pytest
from sklearn.datasets import load_digits


@pytest.fixture(scope="session")
def digits():
    """The digits, pixels scaled to [0, 1], and their labels."""
    X, y = load_digits(return_X_y=True)
    return X / 16, y
