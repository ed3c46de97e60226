"""Behaviour of DenseAutoencoder."""

import copy
import pickle
import pickletools
import warnings

import keras
import numpy as np
import pytest
import sklearn
from scipy import sparse
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, cross_validate, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MinMaxScaler
from sklearn.utils._param_validation import InvalidParameterError
from sklearn.utils.fixes import parse_version
from sklearn.utils.validation import check_is_fitted

from dense_autoencoder import DenseAutoencoder


@pytest.fixture(scope="module")
def small(digits):
    """A fitted autoencoder on a few hundred digits, and its data."""
    X = digits[0][:300]
    return DenseAutoencoder(8, epochs=5, random_state=0).fit(X), X


def _fitted_attributes(estimator):
    return [name for name in vars(estimator) if name.endswith("_")]


# Acceptance: usefulness in scikit-learn workflows.


def test_pipeline_with_logistic_regression_reaches_093_on_digits():
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    pipeline = Pipeline(
        [
            ("scale", MinMaxScaler()),
            ("ae", DenseAutoencoder(32, random_state=0)),
            ("clf", LogisticRegression(max_iter=1000)),
        ]
    ).fit(X_train, y_train)
    assert pipeline.score(X_test, y_test) >= 0.93


def test_grid_search_without_labels_selects_the_larger_code(digits):
    search = GridSearchCV(
        DenseAutoencoder(epochs=20, random_state=0), {"latent_dim": [2, 16]}
    ).fit(digits[0])
    assert search.best_params_ == {"latent_dim": 16}


def test_training_lowers_the_loss_and_records_history(digits):
    X = digits[0][:300]
    autoencoder = DenseAutoencoder(8, init="random", epochs=5, random_state=0).fit(X)
    history = autoencoder.history_
    assert set(history) == {"loss", "val_loss"}
    assert len(history["loss"]) == len(history["val_loss"]) == autoencoder.n_iter_
    assert history["loss"][-1] < history["loss"][0]
    assert history["val_loss"][-1] < history["val_loss"][0]


def test_no_validation_means_no_val_loss(digits):
    autoencoder = DenseAutoencoder(
        4, epochs=2, validation_fraction=0, random_state=0
    ).fit(digits[0][:100])
    assert set(autoencoder.history_) == {"loss"}


# Shapes: vectors and images.


def test_image_round_trip_keeps_the_sample_shape(digits):
    images = digits[0][:200].reshape(-1, 8, 8)
    autoencoder = DenseAutoencoder(5, epochs=2, random_state=0).fit(images)
    codes = autoencoder.transform(images)
    assert codes.shape == (200, 5)
    assert autoencoder.n_features_in_ == 64
    assert autoencoder.sample_shape_ == (8, 8)
    assert autoencoder.inverse_transform(codes).shape == (200, 8, 8)
    # Flattened samples are the same samples.
    np.testing.assert_array_equal(autoencoder.transform(images.reshape(200, 64)), codes)


def test_images_of_another_shape_are_refused(digits):
    images = digits[0][:100].reshape(-1, 8, 8)
    autoencoder = DenseAutoencoder(3, epochs=1, random_state=0).fit(images)
    with pytest.raises(ValueError, match=r"samples of shape \(4, 16\).*\(8, 8\)"):
        autoencoder.transform(images.reshape(-1, 4, 16))


def test_auto_architecture_mirrors_the_reference(digits):
    autoencoder = DenseAutoencoder(16, epochs=1, random_state=0).fit(digits[0][:50])
    assert autoencoder.hidden_layer_sizes_ == (32,)
    assert [layer.units for layer in autoencoder.encoder_.layers] == [32, 16]
    assert [layer.units for layer in autoencoder.decoder_.layers] == [32, 64]


def test_auto_hidden_layer_is_never_narrower_than_the_code():
    X = np.random.RandomState(0).rand(20, 6)
    autoencoder = DenseAutoencoder(4, epochs=1, random_state=0).fit(X)
    assert autoencoder.hidden_layer_sizes_ == (4,)


@pytest.mark.parametrize("sizes", [(), (40, 20)])
def test_explicit_hidden_layers(digits, sizes):
    autoencoder = DenseAutoencoder(
        6, hidden_layer_sizes=sizes, epochs=1, random_state=0
    ).fit(digits[0][:50])
    assert [layer.units for layer in autoencoder.encoder_.layers] == [*sizes, 6]
    assert [layer.units for layer in autoencoder.decoder_.layers] == [
        *reversed(sizes),
        64,
    ]


def test_activations_shape_the_outputs(digits):
    X = digits[0][:100]
    autoencoder = DenseAutoencoder(
        8,
        latent_activation="relu",
        output_activation="sigmoid",
        epochs=2,
        random_state=0,
    ).fit(X)
    assert autoencoder.transform(X).min() >= 0
    reconstruction = autoencoder.inverse_transform(autoencoder.transform(X))
    assert 0 < reconstruction.min() and reconstruction.max() < 1


def test_hidden_activation_is_used_by_the_hidden_layers(digits):
    autoencoder = DenseAutoencoder(4, activation="tanh", epochs=1, random_state=0).fit(
        digits[0][:50]
    )
    activations = [
        layer.get_config()["activation"]
        for model in (autoencoder.encoder_, autoencoder.decoder_)
        for layer in model.layers
    ]
    assert activations == ["tanh", "linear", "tanh", "linear"]


def test_learning_rate_sets_the_step_size(digits):
    X = digits[0][:200]
    params = dict(latent_dim=4, epochs=10, early_stopping=False, random_state=0)
    params["init"] = "random"
    frozen = DenseAutoencoder(**params, learning_rate_init=1e-9).fit(X).history_
    moving = DenseAutoencoder(**params, learning_rate_init=1e-2).fit(X).history_
    assert frozen["loss"][-1] == pytest.approx(frozen["loss"][0], rel=1e-3)
    assert moving["loss"][-1] < 0.8 * moving["loss"][0]


def test_batch_size_sets_the_number_of_steps_per_epoch(digits, capfd):
    # 100 rows, 10 held out: 90 training rows make 3 batches of 32.
    DenseAutoencoder(3, batch_size=32, epochs=1, verbose=2, random_state=0).fit(
        digits[0][:100]
    )
    out, _ = capfd.readouterr()
    assert "3/3 - " in out


def test_batch_larger_than_the_data_is_clipped():
    X = np.random.RandomState(0).rand(10, 4)
    autoencoder = DenseAutoencoder(2, batch_size=1000, epochs=3, random_state=0).fit(X)
    assert autoencoder.n_iter_ == 3


# Outputs.


def test_transform_is_float32_and_matches_the_keras_encoder(small):
    autoencoder, X = small
    codes = autoencoder.transform(X)
    assert codes.dtype == np.float32
    expected = keras.ops.convert_to_numpy(autoencoder.encoder_(X.astype(np.float32)))
    np.testing.assert_allclose(codes, expected, rtol=1e-6, atol=1e-6)


def test_one_row_transform_equals_its_row_in_a_batch(small):
    autoencoder, X = small
    codes = autoencoder.transform(X)
    # Float32 BLAS rounds a row's products differently depending on how many
    # rows share the call, hence a tolerance of float32 rounding.
    for row in (0, 7, len(X) - 1):
        np.testing.assert_allclose(
            autoencoder.transform(X[row : row + 1]), codes[[row]], rtol=1e-6, atol=1e-6
        )


def test_score_samples_is_the_negative_reconstruction_error(small):
    autoencoder, X = small
    reconstruction = autoencoder.inverse_transform(autoencoder.transform(X))
    expected = -np.mean(
        (reconstruction.astype(np.float64) - X.astype(np.float32)) ** 2, axis=1
    )
    scores = autoencoder.score_samples(X)
    assert scores.shape == (len(X),)
    np.testing.assert_allclose(scores, expected, rtol=1e-6)
    assert autoencoder.score(X) == pytest.approx(scores.mean())


def test_score_flags_data_unlike_the_training_data(small):
    autoencoder, X = small
    noise = np.random.RandomState(0).rand(*X.shape)
    assert autoencoder.score(X) > autoencoder.score(noise)


def test_score_with_sample_weight_is_the_weighted_mean_error(small):
    autoencoder, X = small
    weights = np.random.RandomState(0).randint(0, 4, len(X))
    scores = autoencoder.score_samples(X)
    assert autoencoder.score(X, sample_weight=weights) == pytest.approx(
        np.sum(weights * scores) / weights.sum()
    )
    # Integer weights score as repeated rows, and weights of 1 as none.
    assert autoencoder.score(X, sample_weight=weights) == pytest.approx(
        autoencoder.score(np.repeat(X, weights, axis=0))
    )
    assert autoencoder.score(X, sample_weight=np.ones(len(X))) == pytest.approx(
        autoencoder.score(X)
    )


@pytest.mark.parametrize(
    "weights, message",
    [
        (np.ones(5), r"sample_weight.shape == \(5,\), expected \(300,\)"),
        (-np.ones(300), "Negative values in data passed to `sample_weight`"),
        # scikit-learn >= 1.7 refuses these itself, in its own words.
        (np.zeros(300), "at least one non-zero|got weights that sum to 0"),
    ],
)
def test_score_refuses_bad_sample_weight(small, weights, message):
    autoencoder, X = small
    with pytest.raises(ValueError, match=message):
        autoencoder.score(X, sample_weight=weights)


def test_metadata_routing_passes_the_held_out_weights_to_score(digits):
    X = digits[0][:200]
    weights = np.random.RandomState(0).uniform(0.1, 3, len(X))
    folds = [
        (np.arange(100, 200), np.arange(100)),
        (np.arange(100), np.arange(100, 200)),
    ]
    with sklearn.config_context(enable_metadata_routing=True):
        autoencoder = (
            DenseAutoencoder(3, epochs=2, random_state=0)
            .set_fit_request(sample_weight=True)
            .set_score_request(sample_weight=True)
        )
        results = cross_validate(
            autoencoder,
            X,
            params={"sample_weight": weights},
            cv=folds,
            return_estimator=True,
        )
    for (_, test), fitted, score in zip(
        folds, results["estimator"], results["test_score"], strict=True
    ):
        assert score == pytest.approx(
            fitted.score(X[test], sample_weight=weights[test])
        )
        assert score != pytest.approx(fitted.score(X[test]))


def test_weighted_grid_search_scores_its_folds_with_the_weights(digits):
    # scikit-learn >= 1.7 passes a search's sample_weight on to the score
    # with metadata routing off, and warns when the score cannot take it.
    X = digits[0][:200]
    weights = np.random.RandomState(0).uniform(0.1, 3, len(X))
    folds = [(np.arange(100, 200), np.arange(100))]
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*does not support sample_weight")
        search = GridSearchCV(
            DenseAutoencoder(epochs=2, random_state=0), {"latent_dim": [3]}, cv=folds
        ).fit(X, sample_weight=weights)
    if parse_version(sklearn.__version__) >= parse_version("1.7"):
        fitted = clone(search.best_estimator_).fit(X[100:], sample_weight=weights[100:])
        assert search.cv_results_["split0_test_score"][0] == pytest.approx(
            fitted.score(X[:100], sample_weight=weights[:100])
        )


def test_feature_names_out_and_dataframe_output(small, dataframes):
    autoencoder, X = small
    names = [f"denseautoencoder{i}" for i in range(8)]
    assert list(autoencoder.get_feature_names_out()) == names
    frame = (
        clone(autoencoder).set_output(transform=dataframes.__name__).fit(X).transform(X)
    )
    assert isinstance(frame, dataframes.DataFrame)
    assert list(frame.columns) == names
    np.testing.assert_array_equal(frame.to_numpy(), autoencoder.transform(X))


def test_feature_names_are_remembered_from_a_dataframe(digits, pixel_frame):
    X = digits[0][:50]
    frame = pixel_frame(X)
    autoencoder = DenseAutoencoder(3, epochs=1, random_state=0).fit(frame)
    assert list(autoencoder.feature_names_in_) == list(frame.columns)
    np.testing.assert_array_equal(
        autoencoder.transform(frame),
        DenseAutoencoder(3, epochs=1, random_state=0).fit(X).transform(X),
    )


def test_inverse_transform_refuses_codes_of_the_wrong_width(small):
    autoencoder, _ = small
    with pytest.raises(
        ValueError, match="X has 5 features, but DenseAutoencoder is expecting 8"
    ):
        autoencoder.inverse_transform(np.zeros((2, 5)))


# Early stopping.


def test_early_stopping_stops_after_n_iter_no_change_stale_epochs(digits):
    autoencoder = DenseAutoencoder(
        4, epochs=50, n_iter_no_change=3, tol=0.99, random_state=0
    ).fit(digits[0][:200])
    # Nothing improves on the starting loss by 99%.
    assert autoencoder.n_iter_ == 3


def test_early_stopping_restores_the_best_epoch(digits):
    X = digits[0][:300]
    params = dict(
        latent_dim=4, init="random", learning_rate_init=0.03, random_state=0, tol=0
    )
    stopped = DenseAutoencoder(**params, epochs=60, n_iter_no_change=3).fit(X)
    best_epoch = int(np.argmin(stopped.history_["val_loss"])) + 1
    assert best_epoch < stopped.n_iter_ < 60
    assert stopped.best_epoch_ == best_epoch
    assert stopped.best_loss_ == stopped.history_["val_loss"][best_epoch - 1]
    # Training is deterministic, so a run that ends at the best epoch has the
    # weights that early stopping restored.
    reference = DenseAutoencoder(**params, epochs=best_epoch, early_stopping=False).fit(
        X
    )
    np.testing.assert_array_equal(stopped.transform(X), reference.transform(X))


def test_without_early_stopping_every_epoch_runs(digits):
    autoencoder = DenseAutoencoder(
        4, epochs=6, tol=0.99, n_iter_no_change=1, early_stopping=False, random_state=0
    ).fit(digits[0][:100])
    assert autoencoder.n_iter_ == 6 == autoencoder.best_epoch_
    assert autoencoder.best_loss_ == autoencoder.history_["val_loss"][-1]


# Reproducibility and global state.


def test_same_seed_gives_bitwise_equal_outputs_and_another_seed_does_not(digits):
    X = digits[0][:200]
    params = dict(latent_dim=4, epochs=3, early_stopping=False)
    first = DenseAutoencoder(**params, random_state=42).fit(X).transform(X)
    second = DenseAutoencoder(**params, random_state=42).fit(X).transform(X)
    other = DenseAutoencoder(**params, random_state=43).fit(X).transform(X)
    np.testing.assert_array_equal(first, second)
    assert not np.array_equal(first, other)


# Verbosity.


def test_verbose_0_prints_nothing(digits, capfd):
    DenseAutoencoder(3, epochs=2, random_state=0).fit(digits[0][:100])
    out, err = capfd.readouterr()
    assert out == ""
    assert err == ""


def test_verbose_1_shows_a_progress_bar_per_epoch(digits, capfd):
    DenseAutoencoder(3, epochs=2, verbose=1, random_state=0).fit(digits[0][:100])
    out, _ = capfd.readouterr()
    assert "Epoch 1/2" in out and "Epoch 2/2" in out
    assert "val_loss" in out
    assert "━" in out


def test_verbose_2_prints_one_line_per_epoch(digits, capfd):
    DenseAutoencoder(3, epochs=2, verbose=2, random_state=0).fit(digits[0][:100])
    out, _ = capfd.readouterr()
    assert out.count("val_loss") == 2
    assert "━" not in out


# Bad input: clear errors, and nothing half-fitted left behind.


@pytest.mark.parametrize(
    "X, error, message",
    [
        (
            np.array([[0.0, np.nan], [1.0, 2.0], [3.0, 4.0]]),
            ValueError,
            "Input X contains NaN",
        ),
        (
            np.array([[0.0, np.inf], [1.0, 2.0], [3.0, 4.0]]),
            ValueError,
            "Input X contains infinity",
        ),
        (sparse.csr_matrix(np.eye(4)), TypeError, "Sparse data was passed"),
        (np.arange(5.0), ValueError, "Expected 2D array, got 1D array"),
        (np.ones((1, 3)), ValueError, r"Found array with 1 sample\(s\)"),
        (
            np.array([["a", "b"], ["c", "d"]]),
            ValueError,
            "could not convert string to float",
        ),
    ],
    ids=["nan", "inf", "sparse", "1d", "one-sample", "strings"],
)
def test_bad_input_is_refused_and_leaves_nothing_fitted(small, X, error, message):
    autoencoder = copy.deepcopy(small[0])
    with pytest.raises(error, match=message):
        autoencoder.fit(X)
    assert _fitted_attributes(autoencoder) == []
    with pytest.raises(NotFittedError):
        check_is_fitted(autoencoder)


def test_transform_with_another_width_uses_scikit_learn_wording(small):
    autoencoder, _ = small
    with pytest.raises(
        ValueError,
        match="X has 10 features, but DenseAutoencoder is expecting 64 features",
    ):
        autoencoder.transform(np.ones((2, 10)))


def test_methods_refuse_to_run_before_fit():
    autoencoder = DenseAutoencoder()
    for method in ("transform", "inverse_transform", "score_samples", "score"):
        with pytest.raises(NotFittedError):
            getattr(autoencoder, method)(np.ones((2, 3)))


@pytest.mark.parametrize(
    "params, message",
    [
        (
            {"latent_dim": 0},
            "'latent_dim' parameter .* int in the range \\[1, inf\\). Got 0",
        ),
        ({"activation": "relux"}, "'activation' parameter .* Got 'relux'"),
        ({"validation_fraction": 1.0}, "'validation_fraction' parameter .* Got 1.0"),
        ({"hidden_layer_sizes": (10, 0)}, r"positive integers, got \(10, 0\)"),
        ({"hidden_layer_sizes": "big"}, "'hidden_layer_sizes' parameter .* Got 'big'"),
        ({"noise": -0.1}, "'noise' parameter .* Got -0.1"),
        ({"latent_l1": -1}, "'latent_l1' parameter .* Got -1"),
    ],
)
def test_bad_parameters_are_named_in_the_error(params, message):
    X = np.random.RandomState(0).rand(10, 4)
    with pytest.raises((InvalidParameterError, ValueError), match=message):
        DenseAutoencoder(**params).fit(X)


# Persistence.


def _pickled_names(payload):
    """Every string in a pickle: module and class names included."""
    return [arg for _, arg, _ in pickletools.genops(payload) if isinstance(arg, str)]


def test_round_trip_transforms_bitwise_identically(small, round_trip):
    autoencoder, X = small
    restored = round_trip(autoencoder)
    codes = autoencoder.transform(X)
    np.testing.assert_array_equal(restored.transform(X), codes)
    np.testing.assert_array_equal(
        restored.inverse_transform(codes), autoencoder.inverse_transform(codes)
    )
    assert restored.history_ == autoencoder.history_
    # The original still works: pickling must not have touched it.
    np.testing.assert_array_equal(autoencoder.transform(X), codes)


def test_pickle_holds_no_keras_object(small):
    names = _pickled_names(pickle.dumps(small[0]))
    assert "dense_autoencoder._autoencoder" in names
    assert not [name for name in names if name.startswith(("keras", "tensorflow"))]


def test_unfitted_pickle_and_clone_keep_the_parameters():
    autoencoder = DenseAutoencoder(
        7, hidden_layer_sizes=(20,), epochs=3, random_state=1
    )
    assert (
        pickle.loads(pickle.dumps(autoencoder)).get_params() == autoencoder.get_params()
    )
    assert clone(autoencoder).get_params() == autoencoder.get_params()


def test_pickle_restores_the_activations_it_was_fitted_with(small):
    autoencoder = copy.deepcopy(small[0]).set_params(activation="tanh")
    X = small[1]
    restored = pickle.loads(pickle.dumps(autoencoder))
    np.testing.assert_array_equal(restored.transform(X), small[0].transform(X))


def test_training_does_not_depend_on_an_offset_of_the_data(digits):
    # The encoder trains on centred samples and the decoder starts from the
    # mean, so shifting every value by 50 changes nothing but rounding. From a
    # random start: from PCA's, Adam's normalized steps on gradients that are
    # nearly zero turn that rounding into visible differences.
    X = digits[0][:300]
    params = dict(latent_dim=4, init="random", epochs=5, random_state=0)
    plain = DenseAutoencoder(**params).fit(X)
    shifted = DenseAutoencoder(**params).fit(X + 50)
    np.testing.assert_allclose(
        shifted.history_["val_loss"], plain.history_["val_loss"], rtol=1e-2
    )
    np.testing.assert_allclose(
        shifted.transform(X + 50), plain.transform(X), rtol=1e-3, atol=1e-3
    )


# The PCA start.


def test_the_pca_start_reconstructs_as_pca_and_is_kept_if_training_fails(digits):
    X = digits[0][:400]
    pca = PCA(6, svd_solver="full").fit(X)
    # A step size that makes every epoch worse, short of diverging: early
    # stopping gives back the start.
    autoencoder = DenseAutoencoder(
        6, init="pca", learning_rate_init=0.1, epochs=4, random_state=0
    ).fit(X)
    np.testing.assert_allclose(
        autoencoder.inverse_transform(autoencoder.transform(X)),
        pca.inverse_transform(pca.transform(X)),
        atol=1e-4,
    )
    assert min(autoencoder.history_["val_loss"]) > -autoencoder.score(X)
    assert autoencoder.best_epoch_ == 0
    assert autoencoder.best_loss_ < min(autoencoder.history_["val_loss"])
    # A continued fit that only hurts keeps the weights it started from,
    # which sit after the first fit's epochs along history_.
    autoencoder.set_params(warm_start=True).fit(X)
    assert autoencoder.n_iter_ == 8
    assert autoencoder.best_epoch_ == 4


def test_the_pca_start_is_judged_on_unseen_rows_and_kept_as_pca_of_all(digits):
    X = digits[0][:60]
    # As many components as rows to spare: PCA nearly reproduces its own rows.
    # Steps too small to beat the start leave it to be kept.
    autoencoder = DenseAutoencoder(
        40, init="pca", learning_rate_init=1e-9, epochs=3, random_state=0
    ).fit(X)
    assert autoencoder.best_epoch_ == 0
    # The start won on the 6 validation rows, which its PCA had not seen...
    assert autoencoder.best_loss_ > 10 * -autoencoder.score(X)
    # ...and the autoencoder kept is PCA of all 60 rows.
    pca = PCA(40, svd_solver="full").fit(X)
    np.testing.assert_allclose(
        autoencoder.inverse_transform(autoencoder.transform(X)),
        pca.inverse_transform(pca.transform(X)),
        atol=1e-4,
    )


def test_the_validation_rows_are_unseen_by_the_mean_and_the_pca_start():
    X = np.random.RandomState(0).rand(10, 6)
    # One validation row, and steps too small to beat the start: best_loss_
    # is the start's error on the held-out row.
    autoencoder = DenseAutoencoder(
        2, init="pca", learning_rate_init=1e-9, epochs=2, random_state=0
    ).fit(X)
    assert autoencoder.best_epoch_ == 0

    def error_unseen(row):
        # PCA, and its mean, from the other nine rows alone.
        rest = np.delete(X, row, axis=0)
        pca = PCA(2, svd_solver="full").fit(rest)
        reconstructed = pca.inverse_transform(pca.transform(X[row : row + 1]))
        return np.mean((reconstructed - X[row]) ** 2)

    errors = np.array([error_unseen(row) for row in range(len(X))])
    matches = np.isclose(errors, autoencoder.best_loss_, rtol=1e-4, atol=0)
    assert matches.sum() == 1


def test_training_from_the_pca_start_beats_pca_on_held_out_digits(digits):
    X_train, X_test = train_test_split(digits[0], random_state=0)
    pca = PCA(8).fit(X_train)
    pca_error = np.mean((pca.inverse_transform(pca.transform(X_test)) - X_test) ** 2)
    autoencoder = DenseAutoencoder(8, random_state=0).fit(X_train)
    assert -autoencoder.score(X_test) < 0.9 * pca_error


@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
def test_auto_init_starts_at_random_where_pca_cannot_be_represented(digits, activation):
    X = digits[0][:200]
    params = dict(latent_dim=4, activation=activation, epochs=1, random_state=0)
    auto = DenseAutoencoder(**params).fit(X)
    random = DenseAutoencoder(**params, init="random").fit(X)
    np.testing.assert_array_equal(auto.transform(X), random.transform(X))
    with pytest.raises(ValueError, match=f"init='pca'.*activation='{activation}'"):
        DenseAutoencoder(**params, init="pca").fit(X)


def test_a_code_wider_than_the_data_keeps_a_partial_path():
    # 5 samples give at most 5 principal axes for a code of 8 values.
    X = np.random.RandomState(0).rand(5, 20)
    autoencoder = DenseAutoencoder(8, init="pca", epochs=2, random_state=0).fit(X)
    assert autoencoder.transform(X).shape == (5, 8)
    assert np.isfinite(autoencoder.score(X))


# Sample weights.


def test_zero_weights_have_no_effect(digits):
    X = digits[0][:300]
    junk = np.random.RandomState(0).rand(50, 64) * 5
    weighted = DenseAutoencoder(4, epochs=3, random_state=0).fit(
        np.vstack([X[:150], junk, X[150:]]),
        sample_weight=np.r_[np.ones(150), np.zeros(50), np.ones(150)],
    )
    plain = DenseAutoencoder(4, epochs=3, random_state=0).fit(X)
    np.testing.assert_array_equal(weighted.transform(X), plain.transform(X))


def test_weights_of_one_are_no_weights(digits):
    X = digits[0][:300]
    ones = DenseAutoencoder(4, epochs=3, random_state=0).fit(
        X, sample_weight=np.ones(300)
    )
    plain = DenseAutoencoder(4, epochs=3, random_state=0).fit(X)
    np.testing.assert_array_equal(ones.transform(X), plain.transform(X))


def test_integer_weights_start_from_the_pca_of_repeated_rows(digits):
    X = digits[0][:200]
    counts = np.random.RandomState(0).randint(1, 4, size=200)
    # Learning rate so small that the start is what the fit gives back.
    params = dict(init="pca", learning_rate_init=1e-9, epochs=1, random_state=0)
    weighted = DenseAutoencoder(3, **params).fit(X, sample_weight=counts)
    repeated = DenseAutoencoder(3, **params).fit(np.repeat(X, counts, axis=0))
    np.testing.assert_allclose(weighted.transform(X), repeated.transform(X), atol=1e-5)


def test_weights_favour_the_samples_they_weigh(digits):
    X, y = digits
    X, y = X[:600], y[:600]
    zeros = y == 0

    def error_on_zeros(sample_weight):
        autoencoder = DenseAutoencoder(4, epochs=5, random_state=0)
        autoencoder.fit(X, sample_weight=sample_weight)
        return -autoencoder.score(X[zeros])

    assert error_on_zeros(np.where(zeros, 20.0, 1.0)) < 0.8 * error_on_zeros(None)


@pytest.mark.parametrize(
    "sample_weight, message",
    [
        (-np.ones(100), "Negative values in data passed to `sample_weight`"),
        (np.r_[1.0, np.zeros(99)], "positive weight to at least 2 samples; got 1"),
        (np.ones(99), r"sample_weight.shape == \(99,\), expected \(100,\)"),
    ],
)
def test_bad_weights_are_refused(digits, sample_weight, message):
    with pytest.raises(ValueError, match=message):
        DenseAutoencoder(2, epochs=1).fit(digits[0][:100], sample_weight=sample_weight)


# Denoising and sparse codes.


@pytest.fixture(scope="module")
def noisy_digits(digits):
    X_train, X_test = train_test_split(digits[0], random_state=0)
    noisy = X_test + 0.3 * np.random.RandomState(1).normal(size=X_test.shape)
    return X_train, X_test, noisy


# Noise is in the units of X: 16 is the digits' own pixel scale, where the
# noise's standard deviation is above 1, which Keras's GaussianNoise refuses.
@pytest.mark.parametrize("scale", [1, 16])
def test_noise_trains_an_autoencoder_to_remove_noise(noisy_digits, scale):
    X_train, X_test, noisy = (X * scale for X in noisy_digits)

    def error_on_noisy_inputs(noise):
        autoencoder = DenseAutoencoder(16, noise=noise * scale, random_state=0)
        autoencoder.fit(X_train)
        recovered = autoencoder.inverse_transform(autoencoder.transform(noisy))
        return np.mean((recovered - X_test) ** 2) / scale**2

    # Measured at both scales: 0.024 against 0.037 without noise; the noisy
    # inputs are at 0.090.
    assert error_on_noisy_inputs(0.3) < 0.8 * error_on_noisy_inputs(0.0)


def test_noise_is_seeded_and_off_at_inference(noisy_digits):
    X_train, _, noisy = noisy_digits
    params = dict(noise=0.5, epochs=3, random_state=0)
    first = DenseAutoencoder(8, **params).fit(X_train[:300])
    second = DenseAutoencoder(8, **params).fit(X_train[:300])
    codes = first.transform(noisy)
    np.testing.assert_array_equal(codes, first.transform(noisy))
    np.testing.assert_array_equal(codes, second.transform(noisy))
    keras_codes = first.encoder_(noisy.astype(np.float32), training=False)
    np.testing.assert_allclose(
        codes, keras.ops.convert_to_numpy(keras_codes), atol=1e-5
    )
    quiet = DenseAutoencoder(8, epochs=3, random_state=0).fit(X_train[:300])
    assert not np.array_equal(codes, quiet.transform(noisy))


def test_latent_l1_makes_relu_codes_sparse(noisy_digits):
    X_train, X_test, _ = noisy_digits

    def zero_share(latent_l1):
        autoencoder = DenseAutoencoder(
            16, latent_activation="relu", latent_l1=latent_l1, random_state=0
        ).fit(X_train)
        return np.mean(autoencoder.transform(X_test) == 0)

    # Measured: about half the codes are zero at 0.01, none without.
    assert zero_share(0.01) > 0.3 > 0.05 > zero_share(0.0)


def test_latent_l1_shrinks_linear_codes(noisy_digits):
    X_train, X_test, _ = noisy_digits

    def mean_size(latent_l1):
        autoencoder = DenseAutoencoder(16, latent_l1=latent_l1, random_state=0)
        return np.abs(autoencoder.fit(X_train).transform(X_test)).mean()

    assert mean_size(0.01) < 0.2 * mean_size(0.0)


# Streaming: partial_fit and warm_start.


def test_partial_fit_on_memmap_chunks_reaches_the_quality_of_one_fit(
    digits, read_only_memmap
):
    X_train, X_test = train_test_split(digits[0], random_state=0)
    stored = read_only_memmap(X_train)
    # As many passes over the rows as the stream makes.
    whole = DenseAutoencoder(16, epochs=20, random_state=0).fit(X_train)
    streamed = DenseAutoencoder(16, random_state=0)
    for _ in range(20):
        for start in range(0, len(stored), 256):
            streamed.partial_fit(stored[start : start + 256])
    # Measured: 0.0111 against 0.0109.
    assert -streamed.score(X_test) < 1.1 * -whole.score(X_test)
    assert streamed.n_iter_ == 20 * 6 == len(streamed.history_["loss"])


def test_each_partial_fit_is_one_pass_that_continues_the_model(digits):
    X = digits[0][:600]
    autoencoder = DenseAutoencoder(8, random_state=0).partial_fit(X[:300])
    assert autoencoder.n_iter_ == 1
    assert set(autoencoder.history_) == {"loss"}
    before = autoencoder.transform(X)
    autoencoder.partial_fit(X[300:])
    # Each pass keeps its weights: no early stopping gives back older ones.
    assert autoencoder.n_iter_ == 2 == autoencoder.best_epoch_
    assert autoencoder.best_loss_ == autoencoder.history_["loss"][-1]
    trained = autoencoder.transform(X)
    assert not np.array_equal(trained, before)
    with pytest.raises(ValueError, match="X has 10 features"):
        autoencoder.partial_fit(X[:, :10])
    # A chunk refused does not cost the model trained so far.
    assert autoencoder.n_iter_ == 2
    np.testing.assert_array_equal(autoencoder.transform(X), trained)


def test_partial_fit_goes_on_after_pickling(digits):
    X = digits[0][:400]
    # Batches of 128 make 3 steps a pass, enough to lower the error.
    autoencoder = DenseAutoencoder(8, batch_size=128, random_state=0).partial_fit(X)
    restored = pickle.loads(pickle.dumps(autoencoder)).partial_fit(X)
    assert restored.n_iter_ == 2
    assert -restored.score(X) < -autoencoder.score(X)


def test_warm_start_with_noise_validates_on_noisy_rows(digits):
    X = digits[0][:400]
    params = dict(noise=0.5, epochs=2, early_stopping=False, random_state=0)
    autoencoder = DenseAutoencoder(8, warm_start=True, **params).fit(X)
    autoencoder.fit(X)
    first, continued = np.split(np.array(autoencoder.history_["val_loss"]), 2)
    # Like the first fit's, the continued fit's validation inputs are noisy:
    # measured 0.044, where clean inputs come back at 0.023.
    clean_error = -autoencoder.score(X)
    assert continued.min() > 1.5 * clean_error
    assert first.min() > 1.5 * clean_error


@pytest.mark.parametrize("method", ["fit", "partial_fit"])
def test_a_continued_fit_trains_with_the_noise_and_penalty_set_since(digits, method):
    X = digits[0][:400]

    def continued(**changed):
        autoencoder = DenseAutoencoder(
            8, epochs=2, early_stopping=False, warm_start=True, random_state=0
        ).fit(X)
        getattr(autoencoder.set_params(**changed), method)(X)
        return autoencoder, np.array(autoencoder.history_["loss"][2:])

    unchanged, losses = continued()
    # Measured: 0.14 with noise and 4.2 with the penalty, against 0.020.
    for param in ("noise", "latent_l1"):
        assert continued(**{param: 1.0})[1].min() > 2 * losses.max()
    # A penalty too small to change a float32 loss, but a new setting: only
    # Adam's moments, carried over to the new training model, keep the codes
    # where the unchanged continuation puts them (a fresh Adam moves them by
    # 0.1 and more).
    tiny, _ = continued(latent_l1=1e-30)
    np.testing.assert_allclose(tiny.transform(X), unchanged.transform(X), atol=1e-6)


def test_warm_start_continues_from_the_fitted_networks(digits):
    X = digits[0]
    first, second = X[:600], X[600:1200]
    params = dict(epochs=2, early_stopping=False)
    warm = DenseAutoencoder(8, warm_start=True, random_state=0, **params).fit(first)
    codes = warm.transform(X)
    # A step too small to move, set since: the second fit keeps the networks.
    warm.set_params(learning_rate_init=1e-9).fit(second)
    np.testing.assert_allclose(warm.transform(X), codes, atol=1e-4)
    assert warm.n_iter_ == 4 == len(warm.history_["loss"]) == warm.best_epoch_
    cold = DenseAutoencoder(8, random_state=0, **params).fit(first).fit(second)
    assert not np.allclose(cold.transform(X), codes, atol=1e-4)
    assert cold.n_iter_ == 2
