"""The training loop on its own: seeding, early stopping, divergence."""

import keras
import numpy as np
import pytest

from dense_autoencoder import TrainingDivergedError
from dense_autoencoder._networks import (
    TRACES_STEPS,
    compile_for_training,
    dense_stack,
    evaluate_loss,
)
from dense_autoencoder._training import DIVERGENCE_FACTOR, train

SETTINGS = dict(
    batch_size=16,
    trivial_loss=1.0,
    early_stopping=True,
    n_iter_no_change=3,
    tol=0.0,
    step_size=("learning_rate_init", 0.01),
)


def _problem(n_samples=64):
    """A linear model and an exactly linear target it can learn.

    The model is compiled at 0.01, which `train` replaces with ``step_size``.
    """
    rng = np.random.RandomState(0)
    X = rng.rand(n_samples, 4).astype(np.float32)
    Y = X @ rng.rand(4, 2).astype(np.float32)
    model = dense_stack(4, (2,), ("linear",), (0,), "model")
    compile_for_training(model, "mean_squared_error", 0.01)
    return model, X, Y


def _at_step(learning_rate, **settings):
    """The settings, with ``step_size`` at ``learning_rate``."""
    return {**SETTINGS, "step_size": ("learning_rate_init", learning_rate), **settings}


def _train_on_all_rows(model, X, Y, epochs, settings, seed=0):
    """`train` on every row, none held out, with rows ordered from ``seed``."""
    rows = (np.arange(len(X)), None)
    return train(
        model, X, Y, rows, np.random.RandomState(seed), epochs=epochs, **settings
    )


def test_loss_goes_down_and_history_has_one_loss_per_epoch():
    model, X, Y = _problem()
    history, kept = _train_on_all_rows(
        model, X, Y, 20, {**SETTINGS, "early_stopping": False}
    )
    assert list(history) == ["loss"]
    assert len(history["loss"]) == 20
    assert history["loss"][-1] < 0.5 * history["loss"][0]
    # Without early stopping, the last epoch's weights are kept.
    assert kept == (20, history["loss"][-1])


@pytest.mark.parametrize("n_samples", [64, 67])
def test_the_training_step_is_traced_once(monkeypatch, n_samples):
    if keras.backend.backend() == "torch":
        pytest.skip("PyTorch runs the training step eagerly, with no trace")
    model, X, Y = _problem(n_samples)
    traces = []
    step = type(model).train_step

    def counted_step(self, *args):
        traces.append(args)
        return step(self, *args)

    monkeypatch.setattr(type(model), "train_step", counted_step)
    # In batches of at most 16: 64 rows make four, of one shape; an optimizer
    # that made its variables in the first step traced it twice. 67 rows make
    # two of 14 and three of 13, which are filled up to 14, so one shape too.
    _train_on_all_rows(model, X, Y, 3, {**SETTINGS, "early_stopping": False})
    assert len(traces) == 1


@pytest.mark.parametrize(
    "n_samples, batch_size, expected",
    [
        (64, 16, [16] * 4),
        (69, 16, [14, 14, 14, 14, 13]),
        (67, 16, [14, 14, 13, 13, 13]),
        (10, 3, [3, 3, 2, 2]),
        (10, 32, [10]),
    ],
)
def test_an_epoch_is_cut_into_the_fewest_even_batches(
    monkeypatch, n_samples, batch_size, expected
):
    model, X, Y = _problem(n_samples)
    batches = []
    step = model.train_on_batch

    def recorded_step(x, y, sample_weight):
        batches.append((len(x), int(np.count_nonzero(sample_weight))))
        return step(x, y, sample_weight=sample_weight)

    monkeypatch.setattr(model, "train_on_batch", recorded_step)
    _train_on_all_rows(
        model, X, Y, 1, {**SETTINGS, "batch_size": batch_size, "early_stopping": False}
    )
    assert [rows for _, rows in batches] == expected
    if TRACES_STEPS:  # filled up to one shape
        assert {shape for shape, _ in batches} == {max(expected)}


@pytest.mark.parametrize("weighted", [False, True])
def test_filled_batches_train_as_the_shorter_batches_would(
    weighted, penalised_autoencoder
):
    """One epoch of `train` equals Keras's own steps on the unfilled batches.

    The model penalises its codes too, as `latent_l1` does: the rows that
    fill the shorter batches must add no penalty either.
    """
    rng = np.random.RandomState(0)
    X = rng.rand(67, 6).astype(np.float32)
    sample_weight = rng.uniform(0.5, 2, 67).astype(np.float32) if weighted else None
    (*_, filled), (*_, plain) = penalised_autoencoder(), penalised_autoencoder()
    history, _ = train(
        filled,
        X,
        X,
        (np.arange(67), None),
        np.random.RandomState(0),
        epochs=1,
        sample_weight=sample_weight,
        **{**SETTINGS, "early_stopping": False},
    )
    # The order `train` drew, cut into the fewest batches of at most 16 rows,
    # as even as they can be: 14, 14, 13, 13 and 13, the last three filled.
    batches = np.array_split(np.random.RandomState(0).permutation(67), 5)
    losses = [
        plain.train_on_batch(
            X[rows],
            X[rows],
            sample_weight=None if sample_weight is None else sample_weight[rows],
        )
        for rows in batches
    ]
    sizes = [len(rows) for rows in batches]
    assert history["loss"][0] == pytest.approx(np.dot(losses, sizes) / 67, rel=1e-5)
    for after, expected in zip(filled.get_weights(), plain.get_weights(), strict=True):
        np.testing.assert_allclose(after, expected, rtol=1e-5, atol=1e-6)


def test_validation_rows_give_val_loss_and_are_not_trained_on():
    model, X, Y = _problem()
    Y_poisoned = Y.copy()
    Y_poisoned[48:] = 1e3  # training on these rows would wreck the model
    history, _ = train(
        model,
        X,
        Y_poisoned,
        (np.arange(48), np.arange(48, 64)),
        np.random.RandomState(0),
        epochs=5,
        **{**SETTINGS, "early_stopping": False},
    )
    assert len(history["val_loss"]) == 5
    # The model learns the clean rows, so the poisoned ones score badly.
    assert max(history["loss"]) < 10
    assert min(history["val_loss"]) > 1e4


def test_same_generator_seed_gives_bitwise_equal_weights():
    weights = []
    for _ in range(2):
        model, X, Y = _problem()
        _train_on_all_rows(model, X, Y, 3, SETTINGS, seed=7)
        weights.append(model.get_weights())
    for first, second in zip(*weights, strict=True):
        np.testing.assert_array_equal(first, second)


def test_starting_weights_are_restored_when_no_epoch_beats_them():
    model, X, _ = _problem()
    # The best linear fit to noisy targets: a step this large only hurts.
    noisy = X @ np.ones((4, 2), np.float32)
    noisy += np.random.RandomState(1).normal(0, 0.1, noisy.shape).astype(np.float32)
    design = np.c_[X, np.ones(len(X))]
    solution = np.linalg.lstsq(design, noisy, rcond=None)[0].astype(np.float32)
    start = [solution[:4], solution[4]]
    model.set_weights(start)
    start_loss = float(np.mean((design @ solution - noisy) ** 2))
    history, (epoch, loss) = _train_on_all_rows(model, X, noisy, 10, _at_step(0.5))
    assert len(history["loss"]) == SETTINGS["n_iter_no_change"]
    assert min(history["loss"]) > start_loss
    assert epoch == 0
    assert loss == pytest.approx(start_loss, rel=1e-5)
    for restored, original in zip(model.get_weights(), start, strict=True):
        np.testing.assert_array_equal(restored, original)


def test_the_best_validated_epoch_is_kept_and_reported():
    model, X, Y = _problem()
    Y += np.random.RandomState(1).normal(0, 0.3, Y.shape).astype(np.float32)
    history, (epoch, loss) = train(
        model,
        X,
        Y,
        (np.arange(48), np.arange(48, 64)),
        np.random.RandomState(0),
        epochs=40,
        **_at_step(0.5),
    )
    best = int(np.argmin(history["val_loss"]))
    # Stopped early, after a best epoch that is neither the first nor the last.
    assert 0 < best < len(history["val_loss"]) - 1
    assert (epoch, loss) == (best + 1, history["val_loss"][best])
    assert evaluate_loss(model, X[48:], Y[48:]) == pytest.approx(loss, rel=1e-5)


def test_the_model_trains_at_the_given_step_size_and_keeps_its_optimizer():
    model, X, Y = _problem()
    _train_on_all_rows(model, X, Y, 3, _at_step(0.1, early_stopping=False))
    weights = model.get_weights()
    # Compiled at 0.01, trained at 1e-12: a step too small to move anything.
    _train_on_all_rows(model, X, Y, 3, _at_step(1e-12, early_stopping=False))
    for after, before in zip(model.get_weights(), weights, strict=True):
        np.testing.assert_allclose(after, before, atol=1e-9)
    # Adam's moments carry over: its step count goes on from the first run.
    assert int(model.optimizer.iterations) == 6 * 4


def test_exploding_loss_raises_and_names_the_epoch_and_parameter():
    model, X, Y = _problem()
    with pytest.raises(TrainingDivergedError) as error:
        _train_on_all_rows(
            model, X, Y, 50, {**SETTINGS, "step_size": ("fine_tune_learning_rate", 1e6)}
        )
    message = str(error.value)
    assert "Training diverged at epoch " in message
    assert "Lower fine_tune_learning_rate (now 1e+06)" in message
    assert f"{DIVERGENCE_FACTOR:g} times" in message
