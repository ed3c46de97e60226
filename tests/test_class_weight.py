"""LatentClassifier's class_weight: the head's loss weighted by class."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.frozen import FrozenEstimator
from sklearn.utils.class_weight import compute_sample_weight

from dense_autoencoder import DenseAutoencoder, LatentClassifier, load


@pytest.fixture(scope="module")
def data(digits):
    """A few hundred digits, the ones and sevens made rare."""
    X, y = digits[0][:500], digits[1][:500]
    kept = ~np.isin(y, [1, 7]) | (np.arange(len(y)) % 4 == 0)
    return X[kept], y[kept]


@pytest.fixture(scope="module")
def frozen(data):
    return FrozenEstimator(DenseAutoencoder(8, epochs=5, random_state=0).fit(data[0]))


def _head(autoencoder, **params):
    params = {"epochs": 10, "random_state": 0, **params}
    return LatentClassifier(autoencoder, **params)


def test_class_weight_is_the_sample_weight_of_each_class(data, frozen):
    X, y = data
    # Whole numbers, so that float32 rounds neither product.
    weights = np.random.RandomState(0).randint(1, 4, len(y)).astype(float)
    balanced = _head(frozen, class_weight="balanced").fit(X, y, sample_weight=weights)
    expected = _head(frozen).fit(
        X, y, sample_weight=weights * compute_sample_weight("balanced", y)
    )
    np.testing.assert_array_equal(balanced.predict_proba(X), expected.predict_proba(X))
    by_label = _head(frozen, class_weight={1: 5.0, 7: 3}).fit(X, y)
    expected = _head(frozen).fit(
        X, y, sample_weight=np.select([y == 1, y == 7], [5.0, 3.0], 1.0)
    )
    np.testing.assert_array_equal(by_label.predict_proba(X), expected.predict_proba(X))
    assert not np.array_equal(
        by_label.predict_proba(X), _head(frozen).fit(X, y).predict_proba(X)
    )


def test_string_labels_that_look_like_numbers_are_weighted(data, frozen):
    X, y = data
    labels = y.astype(str)
    weighted = _head(frozen, class_weight={"1": 5.0}).fit(X, labels)
    expected = _head(frozen).fit(X, labels, sample_weight=np.where(y == 1, 5.0, 1.0))
    np.testing.assert_array_equal(weighted.predict_proba(X), expected.predict_proba(X))


def test_the_autoencoder_is_fitted_without_class_weights(data):
    X, y = data
    autoencoder = DenseAutoencoder(8, epochs=3, random_state=0)

    def codes(class_weight=None, sample_weight=None):
        classifier = LatentClassifier(autoencoder, epochs=1, class_weight=class_weight)
        fitted = classifier.fit(X, y, sample_weight=sample_weight).autoencoder_
        return fitted.transform(X)

    np.testing.assert_array_equal(codes("balanced"), codes())
    # Sample weights, unlike class weights, weigh the autoencoder's fit too.
    balanced = compute_sample_weight("balanced", y)
    assert not np.array_equal(codes(sample_weight=balanced), codes())


def test_a_class_of_weight_zero_stays_a_class_that_trains_nothing(data, frozen):
    X, y = data
    noisy = X.copy()
    noisy[y == 1] = np.random.RandomState(0).rand(np.sum(y == 1), X.shape[1])
    weighted = _head(frozen, class_weight={1: 0}).fit(X, y)
    assert 1 in weighted.classes_
    np.testing.assert_array_equal(
        weighted.predict_proba(X),
        _head(frozen, class_weight={1: 0}).fit(noisy, y).predict_proba(X),
    )


def test_labels_that_are_not_classes_are_refused_before_any_fit(data, monkeypatch):
    def fit(*args, **kwargs):
        raise AssertionError("the autoencoder was fitted")

    monkeypatch.setattr(DenseAutoencoder, "fit", fit)
    classifier = LatentClassifier(
        DenseAutoencoder(8, epochs=1), epochs=1, class_weight={1: 2.0, 11: 3.0}
    )
    with pytest.raises(ValueError, match=r"labels that are not classes: \[11\]"):
        classifier.fit(*data)
    assert not hasattr(classifier, "autoencoder_")


def test_a_dict_that_weighs_every_class_may_name_absent_ones(data, frozen):
    # As a cross-validation fold may lack a class of the whole set.
    X, y = data
    rows = y != 9
    every_class = {label: 1.0 + label for label in range(10)}
    fold = _head(frozen, class_weight=every_class).fit(X[rows], y[rows])
    present = {label: 1.0 + label for label in range(9)}
    expected = _head(frozen, class_weight=present).fit(X[rows], y[rows])
    np.testing.assert_array_equal(fold.predict_proba(X), expected.predict_proba(X))


@pytest.mark.parametrize(
    "class_weight, match",
    [
        ({1: -1.0}, r"class_weight\[1\] must be a non-negative finite number; got -1"),
        ({1: np.nan}, r"class_weight\[1\] .* got nan"),
        ({1: "2"}, r"class_weight\[1\] .* got '2'"),
        ({label: 0 for label in range(10)}, "leaves 0 labelled sample"),
        ("uniform", "'class_weight' parameter of LatentClassifier must be"),
    ],
)
def test_bad_class_weights_are_named(data, frozen, class_weight, match):
    with pytest.raises(ValueError, match=match):
        _head(frozen, class_weight=class_weight).fit(*data)


def test_partial_fit_takes_a_dict_but_not_balanced(data, frozen):
    X, y = data
    streamed = _head(frozen, class_weight={1: 5.0})
    weighted = _head(frozen)
    for chunk in (slice(0, 200), slice(200, None)):
        streamed.partial_fit(X[chunk], y[chunk], classes=range(10))
        weighted.partial_fit(
            X[chunk],
            y[chunk],
            classes=range(10),
            sample_weight=np.where(y[chunk] == 1, 5.0, 1.0),
        )
    np.testing.assert_array_equal(streamed.predict_proba(X), weighted.predict_proba(X))
    with pytest.raises(ValueError, match="'balanced' is not available in partial_fit"):
        _head(frozen, class_weight="balanced").partial_fit(X, y, classes=range(10))


def test_warm_start_balances_the_new_labels(data, frozen):
    X, y = data
    first, second = slice(0, 200), slice(200, None)
    balanced = _head(frozen, warm_start=True).fit(X[first], y[first])
    weighted = clone(balanced).fit(X[first], y[first])
    balanced.set_params(class_weight="balanced").fit(X[second], y[second])
    weighted.fit(
        X[second],
        y[second],
        sample_weight=compute_sample_weight("balanced", y[second]),
    )
    np.testing.assert_array_equal(balanced.predict_proba(X), weighted.predict_proba(X))


def test_saved_class_weights_keep_their_labels(data, frozen, tmp_path):
    classifier = _head(frozen, epochs=1, class_weight={1: 5.0, 7: 3}).fit(*data)
    classifier.save(tmp_path / "weighted.dae")
    restored = load(tmp_path / "weighted.dae")
    assert restored.class_weight == {1: 5.0, 7: 3}
    assert all(type(key) is int for key in restored.class_weight)
