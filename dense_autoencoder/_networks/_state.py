"""A dense stack as plain arrays and names, and back: for copies and files."""

from ._build import dense_stack


def dense_stack_state(model):
    """Return the state of a `dense_stack` model as plain values and arrays.

    Parameters
    ----------
    model : keras.Sequential
        A model built by `dense_stack`.

    Returns
    -------
    state : dict
        ``"name"`` (str), ``"activations"`` (list of str, one per layer) and
        ``"weights"`` (list of ndarray: kernel and bias of each layer).
    """
    return {
        "name": model.name,
        "activations": [layer.get_config()["activation"] for layer in model.layers],
        "weights": model.get_weights(),
    }


def dense_layer_state(model, index):
    """Return the activation and weights of one layer of a `dense_stack` model.

    Parameters
    ----------
    model : keras.Sequential
        A model built by `dense_stack`.
    index : int
        Position of the layer, 0 for the first.

    Returns
    -------
    activation : str
        The layer's Keras activation name.
    weights : list of ndarray
        Its kernel and bias.

    Examples
    --------
    >>> from dense_autoencoder._networks import dense_layer_state, dense_stack
    >>> model = dense_stack(8, (4, 2), ("relu", "linear"), (0, 1), "encoder")
    >>> activation, (kernel, bias) = dense_layer_state(model, 0)
    >>> activation, kernel.shape, bias.shape
    ('relu', (8, 4), (4,))
    """
    layer = model.layers[index]
    return layer.get_config()["activation"], layer.get_weights()


def dense_stack_from_state(state):
    """Rebuild a stack from `dense_stack_state`'s output.

    Parameters
    ----------
    state : dict
        As returned by `dense_stack_state`.

    Returns
    -------
    model : keras.Sequential
        A model that computes exactly what the saved one computed.

    Examples
    --------
    >>> import numpy as np
    >>> from dense_autoencoder._networks import (
    ...     dense_stack, dense_stack_from_state, dense_stack_state, predict)
    >>> model = dense_stack(3, (4, 2), ("relu", "linear"), (0, 1), "stack")
    >>> copy = dense_stack_from_state(dense_stack_state(model))
    >>> X = np.ones((5, 3), dtype=np.float32)
    >>> bool(np.array_equal(predict(model, X), predict(copy, X)))
    True
    """
    kernels = state["weights"][0::2]
    model = dense_stack(
        kernels[0].shape[0],
        [kernel.shape[1] for kernel in kernels],
        state["activations"],
        [0] * len(kernels),
        state["name"],
    )
    model.set_weights(state["weights"])
    return model


def with_softmax(head):
    """Return a copy of a logits head whose last layer outputs probabilities.

    Parameters
    ----------
    head : keras.Sequential
        A head built by `build_head`, whose last layer outputs logits.

    Returns
    -------
    model : keras.Sequential
        The same layers and weights, with a softmax on the last layer.

    See Also
    --------
    with_logits : The other way round.

    Examples
    --------
    >>> import numpy as np
    >>> from dense_autoencoder._networks import build_head, predict, with_softmax
    >>> head = build_head(4, (8,), 3, activation="relu", seeds=(0, 1))
    >>> proba = predict(with_softmax(head), np.ones((2, 4), dtype=np.float32))
    >>> proba.shape, bool(np.allclose(proba.sum(axis=1), 1))
    ((2, 3), True)
    """
    return _with_last_activation(head, "softmax")


def with_logits(head):
    """Return a copy of a probability head whose last layer outputs logits.

    Parameters
    ----------
    head : keras.Sequential
        A head as `with_softmax` returns it.

    Returns
    -------
    model : keras.Sequential
        The same layers and weights, with a linear last layer, as `build_head`
        makes it for training.

    Examples
    --------
    >>> import numpy as np
    >>> from dense_autoencoder._networks import (
    ...     build_head, predict, with_logits, with_softmax)
    >>> head = build_head(4, (8,), 3, activation="relu", seeds=(0, 1))
    >>> X = np.ones((2, 4), dtype=np.float32)
    >>> bool(np.array_equal(predict(with_logits(with_softmax(head)), X),
    ...                     predict(head, X)))
    True
    """
    return _with_last_activation(head, "linear")


def _with_last_activation(model, activation):
    """Return a copy of a `dense_stack` model with another last activation."""
    state = dense_stack_state(model)
    state["activations"][-1] = activation
    return dense_stack_from_state(state)
