"""Memory, threads, processes, divergence and inputs: what a serving loop or a
grid search of hundreds of fits relies on."""

import gc
import logging
import subprocess
import sys
import textwrap
import tracemalloc
import weakref
from concurrent.futures import ThreadPoolExecutor

import keras
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.exceptions import FitFailedWarning
from sklearn.model_selection import GridSearchCV, cross_validate

from dense_autoencoder import DenseAutoencoder, LatentClassifier, TrainingDivergedError
from dense_autoencoder._autoencoder_fit import _mean_square
from dense_autoencoder._tf_workarounds import quiet_retracing_warnings

psutil = pytest.importorskip("psutil")


@pytest.fixture(scope="module")
def fitted(digits):
    X, _ = digits
    return DenseAutoencoder(8, epochs=3, random_state=0).fit(X[:500])


def _megabytes():
    return psutil.Process().memory_info().rss / 2**20


# Memory.


def test_sixty_fits_in_one_process_do_not_grow_memory():
    # A fresh process, so that the other tests' allocations do not count.
    script = textwrap.dedent(
        """
        import gc
        import numpy as np
        import psutil
        from dense_autoencoder import DenseAutoencoder
        X = np.random.RandomState(0).rand(300, 64)
        for fit in range(1, 61):
            DenseAutoencoder(8, epochs=3, random_state=fit).fit(X).transform(X)
            gc.collect()
            if fit in (10, 60):
                print(psutil.Process().memory_info().rss / 2**20)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    after_10, after_60 = map(float, result.stdout.split())
    # Without releasing TensorFlow's traced graphs this grows by about 190 MB.
    assert after_60 - after_10 < 25


def test_a_deleted_estimator_frees_its_keras_models(digits):
    X, _ = digits
    autoencoder = DenseAutoencoder(4, epochs=2, random_state=0).fit(X[:200])
    models = [weakref.ref(autoencoder.encoder_), weakref.ref(autoencoder.decoder_)]
    del autoencoder
    gc.collect()
    assert [model() for model in models] == [None, None]


def test_fit_never_clears_the_keras_session(digits, monkeypatch):
    def refuse():
        raise AssertionError("clear_session was called")

    monkeypatch.setattr(keras.backend, "clear_session", refuse)
    monkeypatch.setattr(keras.utils, "clear_session", refuse)
    X, y = digits
    LatentClassifier(DenseAutoencoder(4, epochs=2), epochs=2).fit(X[:200], y[:200])


def test_one_row_transforms_in_a_loop_do_not_grow_memory(fitted, digits):
    X, _ = digits
    row = X[:1]
    for call in range(1, 5001):
        fitted.transform(row)
        if call == 1000:
            gc.collect()
            at_1000 = _megabytes()
    gc.collect()
    assert _megabytes() - at_1000 < 5


# Threads and processes.


def test_threads_transform_as_the_serial_run_does(fitted, digits):
    X, _ = digits
    chunks = np.array_split(X, 40)
    serial = [fitted.transform(chunk) for chunk in chunks]
    with ThreadPoolExecutor(max_workers=4) as pool:
        threaded = list(pool.map(fitted.transform, chunks))
    for mine, theirs in zip(threaded, serial, strict=True):
        np.testing.assert_array_equal(mine, theirs)


def test_grid_search_in_two_processes_scores_as_in_one_to_rounding(
    digits, assert_scores_agree
):
    X, _ = digits

    def scores(n_jobs):
        search = GridSearchCV(
            DenseAutoencoder(epochs=2, random_state=0),
            {"latent_dim": [2, 6]},
            cv=2,
            n_jobs=n_jobs,
        )
        results = search.fit(X[:300]).cv_results_
        return np.array([results[f"split{i}_test_score"] for i in range(2)])

    # loky's workers run with fewer threads than this process (the weights
    # are equal: see below).
    assert_scores_agree(scores(2), scores(1))


@pytest.mark.parametrize(
    "estimator",
    [
        DenseAutoencoder(6, epochs=2, random_state=0),
        LatentClassifier(DenseAutoencoder(6, epochs=2), epochs=2, random_state=0),
    ],
    ids=["autoencoder", "classifier"],
)
def test_fits_in_two_processes_give_the_weights_of_one(
    estimator, digits, assert_same_networks
):
    # loky's workers run with fewer BLAS threads than this process.
    X, y = digits

    def fitted(n_jobs):
        return cross_validate(
            estimator, X[:300], y[:300], cv=2, n_jobs=n_jobs, return_estimator=True
        )["estimator"]

    assert_same_networks(fitted(2), fitted(1))


def test_interleaved_fits_do_not_change_each_other(digits):
    X, _ = digits

    def codes(seed):
        return DenseAutoencoder(4, epochs=2, random_state=seed).fit(X).transform(X)

    alone = codes(1)
    codes(2)
    np.testing.assert_array_equal(codes(1), alone)


# Logs.


class _Records(logging.Handler):
    """A logging handler that keeps the messages it is given."""

    def __init__(self):
        super().__init__()
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


@pytest.fixture
def tensorflow_log():
    """The messages of the ``"tensorflow"`` logger while the test runs."""
    logger, records = logging.getLogger("tensorflow"), _Records()
    logger.addHandler(records)
    yield records.messages
    logger.removeHandler(records)


def test_fits_in_a_loop_log_no_retracing_warning_and_leave_the_logger(
    digits, tensorflow_log
):
    # Each fit traces its new networks' step once; after five, TensorFlow
    # warns of "excessive" retracing, with advice that does not apply.
    X, _ = digits
    logger = logging.getLogger("tensorflow")
    filters = list(logger.filters)
    for seed in range(8):
        DenseAutoencoder(2, epochs=1, random_state=seed).fit(X[:100])
    assert not [message for message in tensorflow_log if "retracing" in message]
    assert logger.filters == filters


def test_only_the_retracing_warning_is_dropped(tensorflow_log):
    logger = logging.getLogger("tensorflow")
    with quiet_retracing_warnings():
        logger.warning(
            "5 out of the last 5 calls to f triggered tf.function retracing."
        )
        logger.warning("another warning")
    logger.warning("7 out of the last 7 calls to f triggered tf.function retracing.")
    assert tensorflow_log == [
        "another warning",
        "7 out of the last 7 calls to f triggered tf.function retracing.",
    ]


# Divergence.


def test_divergence_raises_an_error_naming_the_epoch():
    X = load_digits().data * 100  # far from scaled
    autoencoder = DenseAutoencoder(8, learning_rate_init=10.0, random_state=0)
    with pytest.raises(TrainingDivergedError, match=r"diverged at epoch \d+: the"):
        autoencoder.fit(X)
    assert not hasattr(autoencoder, "encoder_")


def test_a_diverging_head_raises_too(digits):
    X, y = digits
    classifier = LatentClassifier(
        DenseAutoencoder(4, epochs=2, random_state=0),
        learning_rate_init=1e12,
        random_state=0,
    )
    with pytest.raises(
        TrainingDivergedError, match=r"learning_rate_init \(now 1e\+12\)"
    ):
        classifier.fit(X[:300] * 1e6, y[:300])


@pytest.mark.parametrize(
    "estimator",
    [DenseAutoencoder(4), LatentClassifier(DenseAutoencoder(4))],
    ids=["DenseAutoencoder", "LatentClassifier"],
)
def test_values_too_large_for_float32_ask_for_scaling_not_a_step_size(
    digits, estimator
):
    # Finite in float32, but their squares overflow: the starting loss is inf.
    X, y = digits[0][:100] * 1e25, digits[1][:100]
    with pytest.raises(ValueError, match=r"loss of inf, before any training: th"):
        clone(estimator).set_params(random_state=0).fit(X, y)


@pytest.mark.filterwarnings("error::RuntimeWarning")
def test_the_trivial_loss_that_bounds_divergence_is_finite_for_large_values():
    # Finite in float32, as are their squares' mean; a float32 sum overflowed.
    values = np.full((200, 64), 1e18, dtype=np.float32)
    assert _mean_square(values) == pytest.approx(1e36, rel=1e-6)


@pytest.mark.filterwarnings("error::RuntimeWarning")
def test_the_divergence_limit_stays_finite_for_large_values(digits):
    # The trivial model's loss, 1e36 here, overflowed when summed in float32.
    # A step of 1000 makes every backend diverge at the first epoch.
    autoencoder = DenseAutoencoder(4, epochs=2, learning_rate_init=1e3, random_state=0)
    with pytest.raises(TrainingDivergedError, match=r"above [\d.]+e\+\d+, 1000"):
        autoencoder.fit(digits[0][:200] * 1e18)


@pytest.mark.parametrize(
    "autoencoder, where",
    [
        (DenseAutoencoder(8), "the classifier's autoencoder__learning_rate_init."),
        (None, "autoencoder=DenseAutoencoder(420, learning_rate_init=...)."),
    ],
)
def test_a_diverging_autoencoder_names_the_parameter_to_lower(
    digits, autoencoder, where
):
    # Values of order 1e-5: Adam's steps swamp them in the first epoch.
    X, y = digits
    classifier = LatentClassifier(autoencoder, random_state=0)
    with pytest.raises(TrainingDivergedError) as error:
        classifier.fit(X[:300] * 1e-4, y[:300])
    message = str(error.value)
    assert message.startswith("Pre-training the autoencoder: Training diverged")
    assert "learning_rate_init (now 0.002)" in message
    assert message.endswith(where)
    assert isinstance(error.value.__cause__, TrainingDivergedError)
    assert not hasattr(classifier, "classes_")


def test_a_head_that_starts_saturated_learns_instead_of_diverging(digits):
    # Unscaled pixels make the head's first predictions certain and wrong. The
    # loss is taken from logits, in training and when judging the start, so
    # it is finite and falls; on clipped probabilities it would not move.
    X, y = digits
    classifier = LatentClassifier(
        DenseAutoencoder(4, epochs=2, random_state=0), epochs=3, random_state=0
    ).fit(X[:300] * 16_000, y[:300])
    losses = classifier.history_["loss"]
    assert losses[0] > 1e3
    assert np.all(np.diff(losses) < 0)
    assert classifier.best_epoch_ == 3


def test_the_start_is_judged_by_the_loss_that_training_reports(digits):
    # Steps of 1e-9 leave the weights as they were, so the start and the one
    # epoch after it have the same loss: a saturated one, far above the
    # cross-entropy of probabilities clipped at Keras's epsilon (16.1).
    X, y = digits
    classifier = LatentClassifier(
        DenseAutoencoder(4, epochs=2, random_state=0),
        epochs=1,
        learning_rate_init=1e-9,
        random_state=0,
    ).fit(X[:300] * 16, y[:300])
    assert classifier.history_["loss"][0] > 20
    assert classifier.best_loss_ == pytest.approx(
        classifier.history_["loss"][0], rel=1e-4
    )


def test_diverging_fine_tuning_names_its_own_step_size(digits):
    X, y = digits
    classifier = LatentClassifier(
        DenseAutoencoder(4, epochs=2, random_state=0),
        epochs=2,
        freeze_encoder=False,
        fine_tune_learning_rate=1e12,
        random_state=0,
    )
    with pytest.raises(
        TrainingDivergedError, match=r"Lower fine_tune_learning_rate \(now 1e\+12\)"
    ):
        classifier.fit(X[:300] * 1e3, y[:300])


def test_a_diverging_candidate_scores_nan_and_the_search_finishes():
    X = load_digits().data * 100
    search = GridSearchCV(
        DenseAutoencoder(4, epochs=3, random_state=0),
        {"learning_rate_init": [0.002, 10.0]},
        cv=2,
        error_score=np.nan,
    )
    with (
        pytest.warns(FitFailedWarning, match="TrainingDivergedError"),
        pytest.warns(UserWarning, match="test scores are non-finite"),
    ):
        search.fit(X[:400])
    scores = search.cv_results_["mean_test_score"]
    assert np.isfinite(scores[0])
    assert np.isnan(scores[1])
    assert search.best_params_ == {"learning_rate_init": 0.002}


# Inputs.


def _inputs(X, tmp_path):
    """The same values in each layout and type that users pass."""
    memmap_path = tmp_path / "X.npy"
    np.save(memmap_path, X)
    pandas = pytest.importorskip("pandas")
    return {
        "float64": X,
        "float32": X.astype(np.float32),
        "int": np.rint(X * 16).astype(np.int64) / 16,
        "fortran": np.asfortranarray(X),
        "read-only memmap": np.load(memmap_path, mmap_mode="r"),
        "DataFrame": pandas.DataFrame(X),
    }


def test_every_input_layout_gives_the_same_codes(fitted, digits, tmp_path):
    X, _ = digits
    expected = fitted.transform(X[:50].astype(np.float32))
    for name, values in _inputs(X[:50], tmp_path).items():
        np.testing.assert_array_equal(fitted.transform(values), expected, err_msg=name)


def test_every_input_layout_fits(digits, tmp_path):
    X, _ = digits
    for name, values in _inputs(X[:100], tmp_path).items():
        autoencoder = DenseAutoencoder(3, epochs=1, random_state=0).fit(values)
        assert autoencoder.transform(values).shape == (100, 3), name


def test_a_large_transform_runs_in_bounded_memory_and_equals_chunks():
    X = np.random.RandomState(0).rand(200_000, 100).astype(np.float32)
    autoencoder = DenseAutoencoder(8, epochs=1, random_state=0).fit(X[:1000])
    tracemalloc.start()
    codes = autoencoder.transform(X)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # The codes (6.4 MB) and a few batches of activations; the hidden layer
    # on all rows at once would take 40 MB.
    assert peak < 16 * 2**20
    chunks = [
        autoencoder.transform(X[start : start + 40_960])
        for start in range(0, len(X), 40_960)
    ]
    np.testing.assert_array_equal(codes, np.concatenate(chunks))
