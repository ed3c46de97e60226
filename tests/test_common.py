"""scikit-learn's estimator checks, on fast settings."""

from functools import partial

import pytest
from sklearn.utils.estimator_checks import estimator_checks_generator

from dense_autoencoder import DenseAutoencoder, LatentClassifier

# Fast settings for every check in one place: tiny networks, few epochs.
FAST_ESTIMATORS = [
    DenseAutoencoder(latent_dim=2, epochs=3, batch_size=16, random_state=0),
    # 30 head epochs: check_class_weight_classifiers' blobs are unscaled, their
    # codes start the head at a weighted cross-entropy of about 5e4, and after
    # 20 epochs it had not settled on PyTorch.
    LatentClassifier(
        DenseAutoencoder(latent_dim=4, epochs=10, batch_size=16),
        epochs=30,
        learning_rate_init=0.01,
        random_state=0,
    ),
]

# Checks expected to fail, by estimator class, each with its reason.
_BATCH_ROUNDING = (
    "Inference runs float32 matrix products in NumPy's BLAS (OpenBLAS), which "
    "rounds a row's products differently depending on how many rows share the "
    "call: one row at a time and 20 rows together differ by about 2e-7 (a "
    "relative 4e-7 of a float32 value), near the check's rtol and atol of "
    "1e-7; whether they exceed it depends on the fitted weights. "
    "tests/test_autoencoder.py bounds the difference at float32 rounding (1e-6)."
)
_WEIGHTS_FLOAT32 = (
    "With its fast settings the autoencoder gives back its PCA start, and the "
    "weighted PCA equals the PCA of the repeated rows, but in float32: the "
    "codes agree to about 2e-7, above the check's rtol of 1e-7. "
    "tests/test_autoencoder.py checks the equivalence to float32 rounding."
)
_WEIGHTS_MINI_BATCH = (
    "Mini-batch training: a row repeated k times is visited in k batches, "
    "where a row of weight k is visited once with k times the loss, so Adam "
    "takes other steps and the probabilities differ by about 1e-2 after "
    "training. Zero weights are exact (check_sample_weights_invariance "
    "passes), and tests/test_classifier.py checks that weights move the "
    "decision."
)
EXPECTED_FAILED_CHECKS = {
    "DenseAutoencoder": {
        "check_methods_subset_invariance": _BATCH_ROUNDING,
        "check_sample_weight_equivalence_on_dense_data": _WEIGHTS_FLOAT32,
    },
    "LatentClassifier": {
        "check_methods_subset_invariance": _BATCH_ROUNDING,
        "check_sample_weight_equivalence_on_dense_data": _WEIGHTS_MINI_BATCH,
    },
}


#: Failures by float32 rounding against the checks' tolerance of 1e-7: the
#: rounding depends on the fitted weights, so these checks may also pass.
_ROUNDING = {_BATCH_ROUNDING, _WEIGHTS_FLOAT32}


def _check_name(check):
    return (check.func if isinstance(check, partial) else check).__name__


def _checks(estimators):
    """Every check of each estimator, its expected failure marked xfail.

    Strict, so that a check that starts to pass is noticed, except where the
    failure is float32 rounding.
    """
    for estimator in estimators:
        expected = EXPECTED_FAILED_CHECKS[type(estimator).__name__]
        for instance, check in estimator_checks_generator(estimator, legacy=True):
            name = _check_name(check)
            reason = expected.get(name)
            marks = (
                ()
                if reason is None
                else pytest.mark.xfail(reason=reason, strict=reason not in _ROUNDING)
            )
            yield pytest.param(
                instance, check, marks=marks, id=f"{type(instance).__name__}-{name}"
            )


@pytest.mark.parametrize("estimator, check", list(_checks(FAST_ESTIMATORS)))
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


def test_every_expected_failure_names_a_check_that_runs():
    names = {
        (type(instance).__name__, _check_name(check))
        for estimator in FAST_ESTIMATORS
        for instance, check in estimator_checks_generator(estimator, legacy=True)
    }
    expected = {
        (estimator, check)
        for estimator, checks in EXPECTED_FAILED_CHECKS.items()
        for check in checks
    }
    assert expected <= names
