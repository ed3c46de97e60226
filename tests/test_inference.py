"""The NumPy forward pass gives the Keras models' outputs."""

import numpy as np
import pytest

from dense_autoencoder._inference import forward, numpy_stack
from dense_autoencoder._networks import (
    ACTIVATIONS,
    build_head,
    dense_stack,
    dense_stack_state,
    predict,
    with_softmax,
)


def _inputs(n_samples, n_features=12):
    # Centred and wide, so that every activation sees negative and large inputs.
    return np.random.RandomState(0).normal(scale=3, size=(n_samples, n_features))


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_each_activation_equals_keras(activation):
    model = dense_stack(12, (9, 5), (activation, activation), (0, 1), "stack")
    X = _inputs(50).astype(np.float32)
    expected = predict(model, X)
    outputs = forward(numpy_stack(dense_stack_state(model)), X, batch_size=16)
    assert outputs.dtype == np.float32
    np.testing.assert_allclose(outputs, expected, rtol=1e-5, atol=1e-5)


def test_softmax_head_equals_keras_and_rows_sum_to_one():
    # The trained head outputs logits; the fitted head_ is its softmax copy.
    head = with_softmax(build_head(12, (7,), 4, activation="relu", seeds=(0, 1)))
    X = _inputs(30).astype(np.float32)
    outputs = forward(numpy_stack(dense_stack_state(head)), X, batch_size=8)
    np.testing.assert_allclose(outputs, predict(head, X), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(outputs.sum(axis=1), 1, rtol=1e-5)


@pytest.mark.parametrize("batch_size", [1, 7, 1000])
def test_batches_do_not_change_the_outputs(batch_size):
    layers = numpy_stack(
        dense_stack_state(dense_stack(12, (9, 5), ("relu", "tanh"), (0, 1), "s"))
    )
    X = _inputs(40).astype(np.float32)
    np.testing.assert_allclose(
        forward(layers, X, batch_size), forward(layers, X, 40), rtol=0, atol=1e-6
    )


def test_forward_leaves_its_input_untouched():
    layers = numpy_stack(
        dense_stack_state(dense_stack(12, (12,), ("relu",), (0,), "s"))
    )
    X = _inputs(5).astype(np.float32)
    before = X.copy()
    forward(layers, X, 2)
    np.testing.assert_array_equal(X, before)
