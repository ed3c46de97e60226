"""Behaviour of the Keras builders and runners."""

import numpy as np
import pytest

from dense_autoencoder._networks import (
    PREDICT_BATCH_SIZE,
    build_autoencoder,
    dense_stack,
    dense_stack_from_state,
    dense_stack_state,
    evaluate_loss,
    predict,
)


def _stack(seeds):
    return dense_stack(6, (5, 3), ("relu", "linear"), seeds, "stack")


def test_seeds_fix_the_initial_weights():
    same = [
        np.array_equal(a, b)
        for a, b in zip(
            _stack((1, 2)).get_weights(), _stack((1, 2)).get_weights(), strict=True
        )
    ]
    other = [
        np.array_equal(a, b)
        for a, b in zip(
            _stack((1, 2)).get_weights(), _stack((1, 3)).get_weights(), strict=True
        )
    ]
    assert all(same)
    # Kernels of the first layer equal, of the second differ; biases start at 0.
    assert other == [True, True, False, True]


def test_stack_layers_have_the_requested_widths_and_activations():
    model = dense_stack(6, (5, 3), ("tanh", "sigmoid"), (0, 1), "stack")
    assert [layer.units for layer in model.layers] == [5, 3]
    assert [layer.get_config()["activation"] for layer in model.layers] == [
        "tanh",
        "sigmoid",
    ]


def test_autoencoder_shares_its_layers_with_encoder_and_decoder():
    encoder, decoder, autoencoder = build_autoencoder(
        10,
        (8, 6),
        4,
        activation="relu",
        latent_activation="linear",
        output_activation="sigmoid",
        seeds=range(6),
    )
    assert [layer.units for layer in encoder.layers] == [8, 6, 4]
    assert [layer.units for layer in decoder.layers] == [6, 8, 10]
    X = np.random.RandomState(0).rand(7, 10).astype(np.float32)
    np.testing.assert_array_equal(
        predict(autoencoder, X), predict(decoder, predict(encoder, X))
    )


@pytest.mark.parametrize("batch_size", [1, 3, 4, 100])
def test_predict_in_chunks_equals_one_call(batch_size):
    model = dense_stack(300, (200, 20), ("relu", "linear"), (0, 1), "wide")
    X = np.random.RandomState(0).rand(10, 300).astype(np.float32)
    chunked = predict(model, X, batch_size=batch_size)
    assert chunked.shape == (10, 20)
    # Matrix-product kernels chosen by the number of rows round differently
    # (PyTorch's below 4 rows; TensorFlow's for wider layers).
    np.testing.assert_allclose(chunked, predict(model, X), rtol=1e-6, atol=1e-6)


def test_state_round_trip_rebuilds_the_same_function():
    model = dense_stack(6, (5, 3), ("elu", "softplus"), (4, 5), "stack")
    state = dense_stack_state(model)
    assert state["name"] == "stack"
    assert state["activations"] == ["elu", "softplus"]
    assert all(isinstance(weight, np.ndarray) for weight in state["weights"])
    copy = dense_stack_from_state(state)
    X = np.random.RandomState(0).rand(4, 6).astype(np.float32)
    np.testing.assert_array_equal(predict(copy, X), predict(model, X))


def test_the_code_penalty_is_each_samples_own_and_weighted_like_its_error(
    penalised_autoencoder,
):
    """The loss is the weighted mean of each row's error plus its codes' L1 norm.

    Over more rows than one call of the model takes, with larger values in
    the last chunk: a penalty taken from one chunk alone would show.
    """
    rng = np.random.RandomState(0)
    X = rng.rand(PREDICT_BATCH_SIZE + 904, 6).astype(np.float32)
    X[PREDICT_BATCH_SIZE:] *= 5
    sample_weight = rng.uniform(0.5, 2, len(X)).astype(np.float32)
    encoder, decoder, model = penalised_autoencoder()
    codes = predict(encoder, X)
    errors = np.mean((predict(decoder, codes) - X) ** 2, axis=1)
    per_sample = errors + 0.1 * np.abs(codes).sum(axis=1)
    assert evaluate_loss(model, X, X) == pytest.approx(per_sample.mean(), rel=1e-5)
    assert evaluate_loss(model, X, X, sample_weight) == pytest.approx(
        np.mean(per_sample * sample_weight), rel=1e-5
    )
