"""Behaviour of LatentClassifier."""

import copy
import pickle
import pickletools

import keras
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.ensemble import VotingClassifier
from sklearn.exceptions import NotFittedError
from sklearn.frozen import FrozenEstimator
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MinMaxScaler
from sklearn.utils.validation import check_is_fitted

from dense_autoencoder import DenseAutoencoder, LatentClassifier, load


@pytest.fixture(scope="module")
def autoencoder(digits):
    """A small autoencoder fitted on a few hundred digits."""
    return DenseAutoencoder(8, epochs=5, random_state=0).fit(digits[0][:300])


@pytest.fixture(scope="module")
def small(digits, autoencoder):
    """A classifier fitted on a few hundred digits, and its data."""
    X, y = digits[0][:300], digits[1][:300]
    classifier = LatentClassifier(
        FrozenEstimator(autoencoder), epochs=5, validation_fraction=0.1, random_state=0
    ).fit(X, y)
    return classifier, X, y


def _fast(**params):
    """A classifier whose autoencoder and head train for a few epochs."""
    autoencoder = DenseAutoencoder(8, epochs=5, random_state=0)
    params = {"epochs": 10, "learning_rate_init": 0.01, **params}
    return LatentClassifier(autoencoder, random_state=0, **params)


# Acceptance.


def test_defaults_reach_095_in_a_pipeline_on_digits():
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    pipeline = Pipeline(
        [("scale", MinMaxScaler()), ("clf", LatentClassifier(random_state=0))]
    ).fit(X_train, y_train)
    assert pipeline.score(X_test, y_test) >= 0.95


def test_frozen_autoencoder_is_used_as_is_and_stays_frozen(digits, autoencoder):
    X, y = digits[0][:300], digits[1][:300]
    weights = autoencoder.encoder_.get_weights()
    history = copy.deepcopy(autoencoder.history_)
    frozen = FrozenEstimator(autoencoder)

    classifier = LatentClassifier(frozen, epochs=5, random_state=0).fit(X, y)

    assert classifier.autoencoder_ is frozen
    assert autoencoder.history_ == history
    for after, before in zip(autoencoder.encoder_.get_weights(), weights, strict=True):
        np.testing.assert_array_equal(after, before)
    # The classifier's own encoder is the autoencoder's, unchanged by training.
    for own, before in zip(classifier.encoder_.get_weights(), weights, strict=True):
        np.testing.assert_array_equal(own, before)
    np.testing.assert_array_equal(
        keras.ops.convert_to_numpy(classifier.encoder_(X)),
        keras.ops.convert_to_numpy(autoencoder.encoder_(X)),
    )


def test_soft_vote_of_heads_shares_one_frozen_autoencoder(digits, autoencoder):
    X, y = digits[0][:300], digits[1][:300]
    weights = autoencoder.encoder_.get_weights()
    frozen = FrozenEstimator(autoencoder)
    heads = [
        (f"head{seed}", LatentClassifier(frozen, epochs=3, random_state=seed))
        for seed in range(3)
    ]
    vote = VotingClassifier(heads, voting="soft").fit(X, y)

    # VotingClassifier clones each head; the frozen autoencoder is not cloned.
    assert all(head.autoencoder_ is frozen for head in vote.estimators_)
    for after, before in zip(autoencoder.encoder_.get_weights(), weights, strict=True):
        np.testing.assert_array_equal(after, before)
    probabilities = [head.predict_proba(X) for head in vote.estimators_]
    assert not np.allclose(probabilities[0], probabilities[1])
    np.testing.assert_allclose(
        vote.predict_proba(X), np.mean(probabilities, axis=0), rtol=1e-6
    )


def test_grid_search_tunes_the_autoencoder_latent_dim(digits):
    X, y = digits[0][:300], digits[1][:300]
    search = GridSearchCV(
        _fast(), {"autoencoder__latent_dim": [8, 32]}, cv=2, refit=True
    ).fit(X, y)
    assert list(search.cv_results_["param_autoencoder__latent_dim"]) == [8, 32]
    # Three times chance on ten classes, after a few epochs.
    assert np.all(search.cv_results_["mean_test_score"] > 0.3)
    best = search.best_estimator_
    assert (
        best.autoencoder_.latent_dim == search.best_params_["autoencoder__latent_dim"]
    )
    assert best.encoder_.output_shape == (None, best.autoencoder_.latent_dim)


def test_string_labels_round_trip(digits):
    X, y = digits[0][:300], digits[1][:300]
    names = np.array(
        ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
    )
    classifier = _fast().fit(X, names[y])
    np.testing.assert_array_equal(classifier.classes_, np.sort(names))
    predicted = classifier.predict(X)
    assert predicted.dtype == names.dtype
    assert set(predicted) <= set(names)
    assert np.mean(predicted == names[y]) > 0.5


def test_non_contiguous_integer_labels_and_binary_problems(digits):
    X, y = digits[0][:300], digits[1][:300]
    labels = np.where(y < 5, -3, 42)
    classifier = _fast().fit(X, labels)
    np.testing.assert_array_equal(classifier.classes_, [-3, 42])
    assert classifier.head_.output_shape == (None, 2)
    assert classifier.score(X, labels) > 0.8
    assert set(classifier.predict(X)) <= {-3, 42}


def test_dataframes_and_series_fit_as_their_arrays(digits, dataframes, pixel_frame):
    X, y = digits[0][:200], digits[1][:200].astype(str)
    frame = pixel_frame(X)
    classifier = _fast(epochs=2).fit(frame, dataframes.Series(y))
    assert list(classifier.feature_names_in_) == list(frame.columns)
    np.testing.assert_array_equal(classifier.classes_, np.unique(y))
    np.testing.assert_array_equal(
        classifier.predict_proba(frame), _fast(epochs=2).fit(X, y).predict_proba(X)
    )


def test_predict_proba_rows_sum_to_one_and_agree_with_predict(small):
    classifier, X, _ = small
    proba = classifier.predict_proba(X)
    assert proba.shape == (len(X), 10)
    assert proba.dtype == np.float64
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(
        classifier.predict(X), classifier.classes_[proba.argmax(axis=1)]
    )


def test_predict_log_proba_is_the_log_of_predict_proba(small):
    classifier, X, _ = small
    log_proba = classifier.predict_log_proba(X)
    assert log_proba.dtype == np.float64
    np.testing.assert_allclose(log_proba, np.log(classifier.predict_proba(X)))


def test_predict_log_proba_stays_finite_where_a_probability_rounds_to_zero(small):
    classifier, X, _ = small
    # Far from the data, the logits are thousands apart: exp underflows.
    far = X * 1e4
    proba = classifier.predict_proba(far)
    assert (proba == 0).any()
    log_proba = classifier.predict_log_proba(far)
    assert np.isfinite(log_proba).all()
    ranks = np.argsort(log_proba, axis=1)
    assert (np.diff(np.take_along_axis(log_proba, ranks, axis=1), axis=1) > 0).all()
    np.testing.assert_array_equal(
        classifier.predict(far), classifier.classes_[log_proba.argmax(axis=1)]
    )


def test_transform_is_not_offered(small):
    assert not hasattr(small[0], "transform")


# Pre-training.


def test_default_autoencoder_is_cloned_seeded_and_fitted(digits):
    X, y = digits[0][:200], digits[1][:200]
    classifier = LatentClassifier(epochs=2, random_state=0).fit(X, y)
    fitted = classifier.autoencoder_
    assert isinstance(fitted, DenseAutoencoder)
    assert classifier.autoencoder is None
    # The article's code size, wider than the autoencoder's own default.
    assert fitted.get_params()["latent_dim"] == 420
    assert isinstance(fitted.random_state, int)
    check_is_fitted(fitted)


def test_given_autoencoder_is_cloned_not_fitted_in_place(digits):
    X, y = digits[0][:200], digits[1][:200]
    autoencoder = DenseAutoencoder(6, epochs=2)
    classifier = LatentClassifier(autoencoder, epochs=2, random_state=0).fit(X, y)
    with pytest.raises(NotFittedError):
        check_is_fitted(autoencoder)
    assert classifier.autoencoder_ is not autoencoder
    assert classifier.autoencoder_.latent_dim == 6
    assert autoencoder.random_state is None


def test_a_fitted_autoencoder_not_frozen_is_refitted(digits, autoencoder):
    X, y = digits[0][300:500], digits[1][300:500]
    classifier = LatentClassifier(autoencoder, epochs=2, random_state=0).fit(X, y)
    assert classifier.autoencoder_ is not autoencoder
    assert not np.array_equal(
        classifier.autoencoder_.transform(X), autoencoder.transform(X)
    )


def test_images_are_classified_in_their_own_shape(digits):
    X, y = digits[0][:200].reshape(-1, 8, 8), digits[1][:200]
    classifier = _fast().fit(X, y)
    assert classifier.sample_shape_ == (8, 8)
    assert classifier.autoencoder_.sample_shape_ == (8, 8)
    np.testing.assert_array_equal(
        classifier.predict_proba(X), classifier.predict_proba(X.reshape(-1, 64))
    )


# The head.


def test_auto_head_starts_from_the_decoder_first_hidden_layer(digits):
    X, y = digits[0][:200], digits[1][:200]
    autoencoder = DenseAutoencoder(8, epochs=2, activation="tanh", random_state=0)
    autoencoder.fit(X)
    # A step size so small that training cannot move the weights visibly.
    classifier = LatentClassifier(
        FrozenEstimator(autoencoder), learning_rate_init=1e-12, epochs=1
    ).fit(X, y)
    head = classifier.head_
    assert [layer.units for layer in head.layers] == [32, 10]
    assert head.layers[0].get_config()["activation"] == "tanh"
    assert head.layers[1].get_config()["activation"] == "softmax"
    for trained, decoder in zip(
        head.layers[0].get_weights(),
        autoencoder.decoder_.layers[0].get_weights(),
        strict=True,
    ):
        np.testing.assert_allclose(trained, decoder, rtol=0, atol=1e-9)


def test_auto_head_of_a_decoder_without_hidden_layers_is_a_softmax(digits):
    X, y = digits[0][:200], digits[1][:200]
    autoencoder = DenseAutoencoder(8, hidden_layer_sizes=(), epochs=2, random_state=0)
    classifier = LatentClassifier(autoencoder, epochs=2, random_state=0).fit(X, y)
    assert [layer.units for layer in classifier.head_.layers] == [10]
    assert classifier.head_.input_shape == (None, 8)


@pytest.mark.parametrize("sizes", [(), (16, 12)])
def test_explicit_head_layers(digits, sizes):
    X, y = digits[0][:200], digits[1][:200]
    classifier = _fast(hidden_layer_sizes=sizes, activation="elu").fit(X, y)
    layers = classifier.head_.layers
    assert [layer.units for layer in layers] == [*sizes, 10]
    assert [layer.get_config()["activation"] for layer in layers] == [
        *(["elu"] * len(sizes)),
        "softmax",
    ]


def test_head_training_lowers_the_loss(small):
    history = small[0].history_
    assert set(history) == {"loss", "val_loss"}
    assert len(history["loss"]) == small[0].n_iter_ == 5
    assert history["loss"][-1] < history["loss"][0]
    assert history["val_loss"][-1] < history["val_loss"][0]


def test_by_default_the_head_trains_on_every_row(digits, autoencoder):
    X, y = digits[0][:300], digits[1][:300]
    classifier = LatentClassifier(
        FrozenEstimator(autoencoder), epochs=20, random_state=0
    ).fit(X, y)
    # No rows held out: nothing to validate on, and the training loss is
    # monitored instead.
    assert set(classifier.history_) == {"loss"}
    assert min(classifier.history_["loss"]) < classifier.history_["loss"][0]


# Fine-tuning.


def _fine_tuned(autoencoder, X, y, **params):
    """A classifier on the frozen ``autoencoder``, fine-tuned after its head."""
    return LatentClassifier(
        FrozenEstimator(autoencoder), freeze_encoder=False, random_state=0, **params
    ).fit(X, y)


def test_fine_tuning_moves_the_encoder_and_records_its_history(digits, autoencoder):
    X, y = digits[0][:300], digits[1][:300]
    before = autoencoder.encoder_.get_weights()
    classifier = _fine_tuned(
        autoencoder,
        X,
        y,
        epochs=4,
        fine_tune_epochs=3,
        validation_fraction=0.1,
        early_stopping=False,
    )
    assert set(classifier.history_) == {
        "loss",
        "val_loss",
        "fine_tune_loss",
        "fine_tune_val_loss",
    }
    assert len(classifier.history_["fine_tune_loss"]) == 3
    assert classifier.n_iter_ == 7 == classifier.best_epoch_
    assert classifier.best_loss_ == classifier.history_["fine_tune_val_loss"][-1]
    assert classifier.history_["fine_tune_loss"][-1] < classifier.history_["loss"][0]
    assert not np.array_equal(classifier.encoder_.get_weights()[0], before[0])
    # The autoencoder itself is untouched: the classifier tuned its own copy.
    for after, weights in zip(autoencoder.encoder_.get_weights(), before, strict=True):
        np.testing.assert_array_equal(after, weights)


def test_fine_tuning_that_only_hurts_keeps_the_head_and_the_encoder(
    digits, autoencoder
):
    X, y = digits[0][:300], digits[1][:300]
    classifier = _fine_tuned(
        autoencoder,
        X,
        y,
        epochs=20,
        fine_tune_epochs=3,
        fine_tune_learning_rate=0.5,
        validation_fraction=0.2,
    )
    head_epochs = len(classifier.history_["loss"])
    # Every fine-tuning epoch is worse than the head it started from...
    assert min(classifier.history_["fine_tune_val_loss"]) > classifier.best_loss_
    # ...so the kept weights are the head's, with the encoder as it was.
    assert classifier.best_epoch_ == head_epochs == 20
    for kept, original in zip(
        classifier.encoder_.get_weights(),
        autoencoder.encoder_.get_weights(),
        strict=True,
    ):
        np.testing.assert_array_equal(kept, original)


def test_fine_tuning_learning_rate_sets_the_encoder_step(digits, autoencoder):
    X, y = digits[0][:300], digits[1][:300]

    def encoder_shift(rate):
        classifier = _fine_tuned(
            autoencoder,
            X,
            y,
            fine_tune_learning_rate=rate,
            epochs=2,
            fine_tune_epochs=1,
        )
        moved = classifier.encoder_.get_weights()[0]
        return np.abs(moved - autoencoder.encoder_.get_weights()[0]).max()

    # Adam moves each weight by about the step size per batch.
    assert encoder_shift(1e-6) < 1e-4 < encoder_shift(1e-3)


# Validation split, reproducibility and output.


def test_validation_split_is_stratified():
    y = np.repeat([0, 1, 2], [50, 30, 20])
    classifier = LatentClassifier(validation_fraction=0.2)
    train, val = classifier._split_validation(len(y), np.random.RandomState(0), y)
    np.testing.assert_array_equal(np.bincount(y[val]), [10, 6, 4])
    np.testing.assert_array_equal(np.sort(np.concatenate([train, val])), np.arange(100))


def test_same_seed_gives_bitwise_equal_outputs_and_another_seed_does_not(digits):
    X, y = digits[0][:200], digits[1][:200]

    def proba(seed):
        autoencoder = DenseAutoencoder(4, epochs=2)
        classifier = LatentClassifier(autoencoder, epochs=2, random_state=seed)
        return classifier.fit(X, y).predict_proba(X)

    np.testing.assert_array_equal(proba(42), proba(42))
    assert not np.array_equal(proba(42), proba(43))


def test_verbose_shows_pre_training_and_head_training(digits, capfd):
    X, y = digits[0][:100], digits[1][:100]
    LatentClassifier(epochs=2, verbose=2, random_state=0).set_params(
        autoencoder=None
    ).fit(X, y)
    out, _ = capfd.readouterr()
    # Pre-training the default autoencoder stops early or runs 100 epochs;
    # the head's two epochs come last.
    assert "Epoch 1/100" in out
    assert out.rstrip().splitlines()[-2].startswith("Epoch 2/2")


def test_verbose_0_prints_nothing(digits, capfd):
    _fast().fit(digits[0][:100], digits[1][:100])
    out, err = capfd.readouterr()
    assert out == err == ""


# Errors.


def test_one_class_is_refused_and_leaves_nothing_fitted(small):
    classifier, X, _ = small
    classifier = copy.deepcopy(classifier)
    with pytest.raises(
        ValueError,
        match="at least 2 classes among the labelled samples; got 1 class: 7.",
    ):
        classifier.fit(X, np.full(len(X), 7))
    with pytest.raises(NotFittedError):
        check_is_fitted(classifier)
    assert [name for name in vars(classifier) if name.endswith("_")] == []


def test_other_estimators_are_refused_as_autoencoder(digits):
    X, y = digits[0][:50], digits[1][:50]
    with pytest.raises(TypeError, match=r"must be a DenseAutoencoder.*got PCA\(\)"):
        LatentClassifier(PCA()).fit(X, y)


def test_frozen_autoencoder_must_be_fitted_on_the_same_width(digits, autoencoder):
    X, y = digits[0][:50, :32], digits[1][:50]
    with pytest.raises(ValueError, match="X has 32 features, but the frozen"):
        LatentClassifier(FrozenEstimator(autoencoder)).fit(X, y)


def test_frozen_autoencoder_must_be_fitted(digits):
    X, y = digits[0][:50], digits[1][:50]
    with pytest.raises(NotFittedError):
        LatentClassifier(FrozenEstimator(DenseAutoencoder())).fit(X, y)


def test_bad_autoencoder_parameters_are_named(digits):
    X, y = digits[0][:50], digits[1][:50]
    with pytest.raises(ValueError, match="'latent_dim' parameter .* Got 0"):
        LatentClassifier(DenseAutoencoder(0)).fit(X, y)


def test_methods_refuse_to_run_before_fit():
    for method in ("predict", "predict_proba"):
        with pytest.raises(NotFittedError):
            getattr(LatentClassifier(), method)(np.ones((2, 3)))


# Persistence.


def test_pickle_holds_no_keras_object(small):
    payload = pickle.dumps(small[0])
    names = [arg for _, arg, _ in pickletools.genops(payload) if isinstance(arg, str)]
    assert "dense_autoencoder._classifier" in names
    assert not [name for name in names if name.startswith(("keras", "tensorflow"))]


def test_clone_keeps_the_parameters_and_drops_the_fit(small):
    classifier = small[0]
    cloned = clone(classifier)
    parameters = classifier.get_params(deep=False)
    assert cloned.get_params(deep=False).keys() == parameters.keys()
    assert cloned.get_params()["epochs"] == 5
    assert isinstance(cloned.autoencoder, FrozenEstimator)
    with pytest.raises(NotFittedError):
        check_is_fitted(cloned)


# Sample weights.


def test_zero_weights_have_no_effect_on_the_classifier(digits):
    X, y = digits[0][:300], digits[1][:300]
    junk = np.random.RandomState(0).rand(40, 64)
    weighted = _fast().fit(
        np.vstack([junk, X]),
        np.r_[np.zeros(40, dtype=int), y],
        sample_weight=np.r_[np.zeros(40), np.ones(300)],
    )
    plain = _fast().fit(X, y)
    np.testing.assert_array_equal(weighted.predict_proba(X), plain.predict_proba(X))


def test_weights_move_the_decision_towards_the_heavy_class(digits):
    X, y = digits[0][:400], digits[1][:400]

    def share_of_ones(sample_weight):
        classifier = _fast(epochs=30).fit(X, y, sample_weight=sample_weight)
        return np.mean(classifier.predict(digits[0][400:]) == 1)

    assert share_of_ones(np.where(y == 1, 50.0, 1.0)) > share_of_ones(None)


# Semi-supervised: rows labelled -1.


def test_unlabelled_rows_pre_train_the_autoencoder_only(digits):
    X, y = digits[0][:400], digits[1][:400]
    partial = np.where(np.arange(400) % 4 == 0, y, -1)
    semi = _fast(semi_supervised=True).fit(X, partial)
    # The autoencoder saw every row, labelled or not: it is the same as with
    # every label known.
    full = _fast().fit(X, y)
    np.testing.assert_array_equal(
        semi.autoencoder_.transform(X), full.autoencoder_.transform(X)
    )
    np.testing.assert_array_equal(semi.classes_, np.unique(y))
    # The head learnt from the labelled rows alone, on that autoencoder.
    labelled = partial != -1
    head_only = _fast().set_params(autoencoder=FrozenEstimator(semi.autoencoder_))
    head_only.fit(X[labelled], y[labelled])
    semi_frozen = _fast(semi_supervised=True).set_params(
        autoencoder=FrozenEstimator(semi.autoencoder_)
    )
    semi_frozen.fit(X, partial)
    np.testing.assert_array_equal(
        semi_frozen.predict_proba(X), head_only.predict_proba(X)
    )


def test_string_labels_have_no_unlabelled_mark(digits):
    X, y = digits[0][:200], digits[1][:200]
    labels = np.array(["-1", "a", "b"])[y % 3]
    classifier = _fast(semi_supervised=True).fit(X, labels)
    assert classifier.classes_.tolist() == ["-1", "a", "b"]


def test_without_semi_supervised_minus_one_is_a_class(digits):
    X, y = digits[0][:200], digits[1][:200]
    labels = np.where(y % 2 == 0, -1, 1)
    classifier = _fast().fit(X, labels)
    assert classifier.classes_.tolist() == [-1, 1]


def test_too_few_labelled_classes_are_refused(digits):
    X = digits[0][:100]
    with pytest.raises(ValueError, match="got 0 classes: none"):
        _fast(semi_supervised=True).fit(X, np.full(100, -1))
    with pytest.raises(ValueError, match="got 1 class: 3."):
        _fast(semi_supervised=True).fit(X, np.r_[np.full(50, 3), np.full(50, -1)])


# Streaming: partial_fit.


def _stream(autoencoder, **params):
    """A classifier on a frozen autoencoder, for partial_fit."""
    return LatentClassifier(FrozenEstimator(autoencoder), random_state=0, **params)


def test_partial_fit_on_memmap_chunks_reaches_the_accuracy_of_fit(
    digits, read_only_memmap
):
    X_train, X_test, y_train, y_test = train_test_split(*digits, random_state=0)
    stored = read_only_memmap(X_train)
    autoencoder = DenseAutoencoder(16, epochs=20, random_state=0).fit(X_train)
    weights = autoencoder.encoder_.get_weights()
    # As many passes over the rows as the stream makes.
    whole = _stream(autoencoder, epochs=10, early_stopping=False).fit(X_train, y_train)
    streamed = _stream(autoencoder)
    for _ in range(10):
        for start in range(0, len(stored), 256):
            chunk = slice(start, start + 256)
            streamed.partial_fit(stored[chunk], y_train[chunk], classes=range(10))
    # Measured: 0.893 against 0.898.
    assert streamed.score(X_test, y_test) > whole.score(X_test, y_test) - 0.03
    assert streamed.n_iter_ == 10 * 6 == len(streamed.history_["loss"])
    for own, before in zip(streamed.encoder_.get_weights(), weights, strict=True):
        np.testing.assert_array_equal(own, before)


def test_each_partial_fit_is_one_pass_that_continues_the_head(digits, autoencoder):
    X, y = digits[0][:600], digits[1][:600]
    classifier = _stream(autoencoder).partial_fit(X[:300], y[:300], classes=range(10))
    assert classifier.n_iter_ == 1 == classifier.best_epoch_
    assert set(classifier.history_) == {"loss"}
    encoder = classifier.encoder_.get_weights()
    before = classifier.predict_proba(X)
    classifier.partial_fit(X[300:], y[300:])
    # Each pass keeps its weights: no early stopping gives back older ones.
    assert classifier.n_iter_ == 2 == classifier.best_epoch_
    assert classifier.best_loss_ == classifier.history_["loss"][-1]
    trained = classifier.predict_proba(X)
    assert not np.array_equal(trained, before)
    # The fast path runs the head as it now is.
    codes = classifier.encoder_(X.astype(np.float32))
    np.testing.assert_allclose(
        trained, keras.ops.convert_to_numpy(classifier.head_(codes)), atol=1e-5
    )
    for after, start in zip(classifier.encoder_.get_weights(), encoder, strict=True):
        np.testing.assert_array_equal(after, start)
    # Chunks refused do not cost the model trained so far.
    with pytest.raises(ValueError, match="X has 10 features"):
        classifier.partial_fit(X[:, :10], y)
    with pytest.raises(ValueError, match=r"labels that are not in classes .*: \[10\]"):
        classifier.partial_fit(X[:2], [3, 10])
    assert classifier.n_iter_ == 2
    np.testing.assert_array_equal(classifier.predict_proba(X), trained)


def test_the_first_partial_fit_fits_the_autoencoder_on_its_chunk(digits):
    X, y = digits[0][:300], digits[1][:300]
    streamed = _fast().partial_fit(X, y, classes=np.unique(y))
    whole = _fast().fit(X, y)
    # The same autoencoder as fit's, seeded the same way; then one pass.
    np.testing.assert_array_equal(
        streamed.autoencoder_.transform(X), whole.autoencoder_.transform(X)
    )
    assert streamed.n_iter_ == 1
    # A clone was fitted, not the given autoencoder; later calls keep it.
    with pytest.raises(NotFittedError):
        check_is_fitted(streamed.autoencoder)
    codes = streamed.autoencoder_.transform(X)
    streamed.partial_fit(X[::-1], y[::-1])
    np.testing.assert_array_equal(streamed.autoencoder_.transform(X), codes)


def test_the_first_partial_fit_needs_classes_and_later_ones_the_same(
    digits, autoencoder
):
    X, y = digits[0][:100], digits[1][:100]
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        _stream(autoencoder).partial_fit(X, y)
    with pytest.raises(ValueError, match="at least 2 classes in classes; got 1"):
        _stream(autoencoder).partial_fit(X, np.zeros(100), classes=[0])
    with pytest.raises(ValueError, match=r"not in classes \[0, 1\]: \[2, 3"):
        _stream(autoencoder).partial_fit(X, y, classes=[0, 1])
    with pytest.raises(ValueError, match="classes must not hold -1"):
        _stream(autoencoder, semi_supervised=True).partial_fit(X, y, classes=[-1, 1])
    with pytest.raises(ValueError, match="Unknown label type"):
        _stream(autoencoder).partial_fit(X, y + 0.5, classes=[0.5, 1.5])
    classifier = _stream(autoencoder).partial_fit(X, y, classes=range(10))
    classifier.partial_fit(X, y, classes=np.arange(9, -1, -1))
    with pytest.raises(ValueError, match=r"is not the same as .*: \[0, 1, 2"):
        classifier.partial_fit(X, y, classes=range(11))
    assert classifier.n_iter_ == 2


def test_a_chunk_may_lack_classes_that_come_later(digits, autoencoder):
    X, y = digits[0][:300], digits[1][:300]
    names = np.array(list("abcdefghij"))[y]
    classifier = _stream(autoencoder)
    classifier.partial_fit(X[y < 5], names[y < 5], classes=np.unique(names))
    assert classifier.predict_proba(X).shape == (300, 10)
    for _ in range(20):
        classifier.partial_fit(X[y < 5], names[y < 5])
    assert set(classifier.predict(X[y < 5])) <= set("abcde")
    for _ in range(20):
        classifier.partial_fit(X[y >= 5], names[y >= 5])
    assert set(classifier.predict(X[y >= 5])) & set("fghij")


def test_partial_fit_continues_fit_and_goes_on_after_pickling(
    digits, autoencoder, tmp_path
):
    X, y = digits[0][:300], digits[1][:300]
    classifier = _stream(autoencoder, epochs=3, early_stopping=False).fit(X, y)
    classifier.partial_fit(X, y)
    assert classifier.n_iter_ == 4 == len(classifier.history_["loss"])
    # Copies continue with a fresh optimizer, from the same weights.
    classifier.save(tmp_path / "classifier.dae")
    for restored in (
        pickle.loads(pickle.dumps(classifier)),
        load(tmp_path / "classifier.dae"),
    ):
        restored.partial_fit(X, y)
        assert restored.n_iter_ == 5
        assert restored.history_["loss"][-1] < restored.history_["loss"][0]


def test_partial_fit_is_not_offered_when_fine_tuning(autoencoder):
    classifier = _stream(autoencoder, freeze_encoder=False)
    assert not hasattr(classifier, "partial_fit")
    with pytest.raises(AttributeError) as error:
        classifier.partial_fit(np.ones((2, 64)), [0, 1], classes=[0, 1])
    assert "not available with freeze_encoder=False" in str(error.value.__cause__)
    assert hasattr(classifier.set_params(freeze_encoder=True), "partial_fit")


def test_unlabelled_and_zero_weight_rows_leave_a_pass_as_without_them(
    digits, autoencoder
):
    X, y = digits[0][:300], digits[1][:300]
    marked = np.where(np.arange(300) % 3 == 0, -1, y)
    kept = marked != -1

    def after_two_passes(X_second, y_second, **fit_params):
        classifier = _stream(autoencoder, semi_supervised=True)
        classifier.partial_fit(X[:100], y[:100], classes=range(10))
        return classifier.partial_fit(X_second, y_second, **fit_params)

    plain = after_two_passes(X[kept], y[kept])
    unlabelled = after_two_passes(X, marked)
    weighted = after_two_passes(X, y, sample_weight=kept.astype(float))
    np.testing.assert_array_equal(unlabelled.predict_proba(X), plain.predict_proba(X))
    np.testing.assert_array_equal(weighted.predict_proba(X), plain.predict_proba(X))
    # A chunk with no labelled row leaves the classifier as it was.
    proba = plain.predict_proba(X)
    plain.partial_fit(X, np.full(300, -1))
    assert plain.n_iter_ == 2
    np.testing.assert_array_equal(plain.predict_proba(X), proba)
    with pytest.raises(ValueError, match="first chunk .* has no labelled sample"):
        _stream(autoencoder, semi_supervised=True).partial_fit(
            X, np.full(300, -1), classes=range(10)
        )


# Warm start.


def test_warm_start_trains_the_head_further_and_keeps_the_autoencoder(digits):
    X, y = digits[0][:600], digits[1][:600]
    params = dict(warm_start=True, epochs=3, early_stopping=False)
    warm = _fast(**params).fit(X[:300], y[:300])
    autoencoder, encoder = warm.autoencoder_, warm.encoder_.get_weights()
    loss = warm.history_["loss"][-1]
    warm.set_params(hidden_layer_sizes=(5,)).fit(X[:300], y[:300])
    # A fit anew, seeded the same, would end on the same loss.
    assert warm.history_["loss"][-1] < loss
    assert warm.n_iter_ == 6 == len(warm.history_["loss"]) == warm.best_epoch_
    # The autoencoder fitted first stays, and so do the encoder and the layers.
    assert warm.autoencoder_ is autoencoder
    for after, before in zip(warm.encoder_.get_weights(), encoder, strict=True):
        np.testing.assert_array_equal(after, before)
    assert warm.head_.layers[0].units != 5
    # A step too small to move: the head stays where the last fit left it.
    proba = warm.predict_proba(X)
    warm.set_params(learning_rate_init=1e-9).fit(X[300:], y[300:])
    np.testing.assert_allclose(warm.predict_proba(X), proba, atol=1e-5)
    # Copies go on too, with a fresh optimizer.
    restored = pickle.loads(pickle.dumps(warm)).fit(X[300:], y[300:])
    assert restored.n_iter_ == 12
    cold = _fast(epochs=3, early_stopping=False).fit(X[:300], y[:300])
    cold.fit(X[300:], y[300:])
    assert cold.n_iter_ == 3
    assert not np.array_equal(cold.autoencoder_.transform(X), autoencoder.transform(X))


def test_warm_start_fine_tunes_the_encoder_again(digits, autoencoder):
    X, y = digits[0][:300], digits[1][:300]
    classifier = _fine_tuned(
        autoencoder,
        X,
        y,
        epochs=4,
        fine_tune_epochs=3,
        early_stopping=False,
        warm_start=True,
    )
    encoder = classifier.encoder_.get_weights()
    classifier.fit(X, y)
    assert len(classifier.history_["loss"]) == 8
    assert len(classifier.history_["fine_tune_loss"]) == 6
    # Counted along all the epochs: 4 + 3 in the first fit, then 4 + 3.
    assert classifier.n_iter_ == 14 == classifier.best_epoch_
    assert not np.array_equal(classifier.encoder_.get_weights()[0], encoder[0])
    # The fast path runs the encoder and the head as they now are.
    codes = classifier.encoder_(X.astype(np.float32))
    np.testing.assert_allclose(
        classifier.predict_proba(X),
        keras.ops.convert_to_numpy(classifier.head_(codes)),
        atol=1e-5,
    )


def test_warm_start_keeps_the_classes_and_needs_labels(digits, autoencoder):
    X, y = digits[0][:300], digits[1][:300]
    classifier = _stream(
        autoencoder, epochs=2, early_stopping=False, warm_start=True
    ).fit(X[y < 5], y[y < 5])
    proba = classifier.predict_proba(X)
    with pytest.raises(
        ValueError, match=r"not in classes \[0, 1, 2, 3, 4\]: \[5, 6, 7, 8, 9\]. A fit"
    ):
        classifier.fit(X, y)
    with pytest.raises(ValueError, match="X has 10 features"):
        classifier.fit(X[:, :10], y)
    with pytest.raises(ValueError, match="every label is -1"):
        classifier.set_params(semi_supervised=True).fit(X, np.full(300, -1))
    # Input refused leaves the classifier as it was.
    assert classifier.n_iter_ == 2
    np.testing.assert_array_equal(classifier.predict_proba(X), proba)
    # Some of the classes are enough; a fit anew takes new ones.
    classifier.fit(X[y < 2], y[y < 2])
    assert classifier.n_iter_ == 4
    classifier.set_params(warm_start=False).fit(X, y)
    assert classifier.n_iter_ == 2
    np.testing.assert_array_equal(classifier.classes_, np.arange(10))
