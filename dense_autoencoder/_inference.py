"""Inference on fitted dense stacks with NumPy alone.

A fitted stack of Dense layers is a few matrix products. Running them with
NumPy on the weights costs about the time to read the weights from memory,
where calling Keras adds milliseconds of dispatch per call and ``predict``
tens of milliseconds. The outputs equal the Keras model's to float32 rounding.
"""

import numpy as np
from scipy.special import erf, expit, softmax

_SELU_ALPHA = 1.6732632423543772
_SELU_SCALE = 1.0507009873554805


def _elu(x):
    return np.where(x > 0, x, np.expm1(np.minimum(x, 0)))


#: Keras's activations, by name, in NumPy: same definitions, same defaults.
_ACTIVATIONS = {
    "linear": lambda x: x,
    "relu": lambda x: np.maximum(x, 0),
    "leaky_relu": lambda x: np.where(x > 0, x, 0.2 * x),
    "elu": _elu,
    "selu": lambda x: _SELU_SCALE * np.where(x > 0, x, _SELU_ALPHA * _elu(x)),
    "gelu": lambda x: 0.5 * x * (1 + erf(x / np.sqrt(2))),
    "silu": lambda x: x * expit(x),
    "tanh": np.tanh,
    "sigmoid": expit,
    "softplus": lambda x: np.logaddexp(0, x),
    "softmax": lambda x: softmax(x, axis=-1),
}


def numpy_stack(state):
    """Return the layers of a dense stack as ``(kernel, bias, activation)``.

    Parameters
    ----------
    state : dict
        As returned by ``_networks.dense_stack_state``.

    Returns
    -------
    layers : tuple of tuple
        One ``(kernel, bias, activation)`` per layer, first to last; kernels
        and biases are float32 arrays, activations Keras names.

    Examples
    --------
    >>> from dense_autoencoder._inference import numpy_stack
    >>> from dense_autoencoder._networks import dense_stack, dense_stack_state
    >>> model = dense_stack(8, (4, 2), ("relu", "linear"), (0, 1), "encoder")
    >>> [(k.shape, b.shape, a) for k, b, a in numpy_stack(dense_stack_state(model))]
    [((8, 4), (4,), 'relu'), ((4, 2), (2,), 'linear')]
    """
    weights = state["weights"]
    return tuple(
        (
            np.asarray(kernel, dtype=np.float32),
            np.asarray(bias, dtype=np.float32),
            activation,
        )
        for kernel, bias, activation in zip(
            weights[0::2], weights[1::2], state["activations"], strict=True
        )
    )


def forward(layers, X, batch_size):
    """Run stacked layers on ``X``, ``batch_size`` rows at a time.

    Parameters
    ----------
    layers : sequence of tuple
        ``(kernel, bias, activation)`` triples, as `numpy_stack` returns them;
        several stacks may be concatenated.
    X : ndarray of shape (n_samples, n_inputs), dtype float32
        The input.
    batch_size : int
        Rows per pass, to bound the memory of the intermediate layers.

    Returns
    -------
    outputs : ndarray of shape (n_samples, n_outputs), dtype float32
        The last layer's output.

    Examples
    --------
    >>> import numpy as np
    >>> from dense_autoencoder._inference import forward
    >>> layers = [(np.eye(2, dtype=np.float32), np.ones(2, np.float32), "relu")]
    >>> forward(layers, np.array([[-3.0, 1.0]], dtype=np.float32), 10)
    array([[0., 2.]], dtype=float32)
    """
    n_outputs = layers[-1][0].shape[1]
    outputs = np.empty((X.shape[0], n_outputs), dtype=np.float32)
    for start in range(0, X.shape[0], batch_size):
        values = X[start : start + batch_size]
        for kernel, bias, activation in layers:
            values = values @ kernel
            values += bias
            values = _ACTIVATIONS[activation](values)
        outputs[start : start + batch_size] = values
    return outputs
