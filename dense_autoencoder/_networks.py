"""Keras builders and runners for the estimators' networks.

Everything that touches the Keras graph lives in this module, through the public
Keras API only; the scikit-learn contract lives in the estimator modules.
"""

import keras
import numpy as np

#: Element-wise Keras activations the estimators accept by name.
ACTIVATIONS = (
    "linear",
    "relu",
    "leaky_relu",
    "elu",
    "selu",
    "gelu",
    "silu",
    "tanh",
    "sigmoid",
    "softplus",
)

#: Rows per call when a fitted network runs on NumPy data, to bound memory.
PREDICT_BATCH_SIZE = 4096


def dense_stack(n_inputs, units, activations, seeds, name):
    """Build a stack of Dense layers as one Keras model.

    Every kernel initializer gets its own integer seed: an initializer made
    without one draws it from Python's global ``random`` module.

    Parameters
    ----------
    n_inputs : int
        Width of the input.
    units : sequence of int
        Width of each Dense layer, first to last.
    activations : sequence of str
        Activation of each layer, as a Keras activation name.
    seeds : sequence of int
        Seed of each layer's Glorot-uniform kernel initializer.
    name : str
        Name of the model; the layers are named after it.

    Returns
    -------
    model : keras.Sequential
        The stack, built for inputs of shape ``(batch, n_inputs)``.

    Examples
    --------
    >>> from dense_autoencoder._networks import dense_stack
    >>> model = dense_stack(8, (4, 2), ("relu", "linear"), (0, 1), "encoder")
    >>> model.output_shape
    (None, 2)
    """
    layers = [keras.Input(shape=(n_inputs,), name=f"{name}_input")]
    for index, (width, activation, seed) in enumerate(
        zip(units, activations, seeds, strict=True)
    ):
        layers.append(
            keras.layers.Dense(
                width,
                activation=activation,
                kernel_initializer=keras.initializers.GlorotUniform(seed=int(seed)),
                name=f"{name}_dense_{index}",
            )
        )
    return keras.Sequential(layers, name=name)


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


def build_autoencoder(
    n_features,
    hidden_layer_sizes,
    latent_dim,
    *,
    activation,
    latent_activation,
    output_activation,
    seeds,
    output_bias=None,
    noise=0.0,
    noise_seed=None,
    latent_l1=0.0,
):
    """Build a dense autoencoder whose decoder mirrors its encoder.

    Parameters
    ----------
    n_features : int
        Width of the input and of the reconstruction.
    hidden_layer_sizes : tuple of int
        Widths of the encoder's hidden layers; the decoder uses them reversed.
    latent_dim : int
        Width of the code.
    activation : str
        Activation of the hidden layers.
    latent_activation : str
        Activation of the code layer.
    output_activation : str
        Activation of the reconstruction layer.
    seeds : sequence of int
        One initializer seed per layer: ``2 * (len(hidden_layer_sizes) + 1)``.
    output_bias : ndarray of shape (n_features,), default=None
        Initial bias of the reconstruction layer, such as the mean of the
        data, so that training starts from that reconstruction; None keeps
        zeros.
    noise : float, default=0.0
        Standard deviation of the Gaussian noise that the trained model adds
        to its inputs, in training only; 0 adds none.
    noise_seed : int, default=None
        Seed of that noise; required when ``noise > 0``.
    latent_l1 : float, default=0.0
        Weight of the L1 penalty on the codes that the trained model adds to
        its loss; 0 adds none.

    Returns
    -------
    encoder : keras.Sequential
        Maps ``(batch, n_features)`` to ``(batch, latent_dim)``.
    decoder : keras.Sequential
        Maps ``(batch, latent_dim)`` to ``(batch, n_features)``.
    autoencoder : keras.Model
        The decoder applied to the encoder, sharing their layers, with the
        noise and the penalty if asked for; the model that is trained. The
        encoder and the decoder alone have neither.

    Examples
    --------
    >>> from dense_autoencoder._networks import build_autoencoder
    >>> encoder, decoder, autoencoder = build_autoencoder(
    ...     64, (32,), 8, activation="relu", latent_activation="linear",
    ...     output_activation="linear", seeds=range(4))
    >>> encoder.output_shape, decoder.output_shape
    ((None, 8), (None, 64))
    """
    hidden = tuple(hidden_layer_sizes)
    n_layers = len(hidden) + 1
    encoder = dense_stack(
        n_features,
        (*hidden, latent_dim),
        (activation,) * len(hidden) + (latent_activation,),
        seeds[:n_layers],
        "encoder",
    )
    decoder = dense_stack(
        latent_dim,
        (*reversed(hidden), n_features),
        (activation,) * len(hidden) + (output_activation,),
        seeds[n_layers:],
        "decoder",
    )
    if output_bias is not None:
        output_layer = decoder.layers[-1]
        output_layer.set_weights([output_layer.get_weights()[0], output_bias])
    autoencoder = training_model(
        encoder, decoder, noise=noise, noise_seed=noise_seed, latent_l1=latent_l1
    )
    return encoder, decoder, autoencoder


def training_model(encoder, decoder, *, noise=0.0, noise_seed=None, latent_l1=0.0):
    """Build the model that trains an encoder and a decoder together.

    Parameters
    ----------
    encoder, decoder : keras.Sequential
        Built stacks; the decoder takes what the encoder outputs.
    noise : float, default=0.0
        Standard deviation of Gaussian noise added to the inputs in training.
    noise_seed : int, default=None
        Seed of that noise; required when ``noise > 0``.
    latent_l1 : float, default=0.0
        Weight of an L1 penalty on the codes, added to the loss.

    Returns
    -------
    autoencoder : keras.Model
        ``decoder(encoder(inputs))`` with the noise and the penalty, sharing
        the stacks' layers and weights.
    """
    inputs = keras.Input(shape=encoder.input_shape[1:], name="autoencoder_input")
    signal = inputs
    if noise > 0:
        signal = keras.layers.GaussianNoise(noise, seed=int(noise_seed))(signal)
    codes = encoder(signal)
    if latent_l1 > 0:
        codes = keras.layers.ActivityRegularization(l1=latent_l1)(codes)
    return keras.Model(inputs, decoder(codes), name="autoencoder")


def shift_inputs(model, offset):
    """Fold an input offset into the first layer's bias, in place.

    A model trained on ``X - offset`` then computes the same on ``X`` itself:
    ``W (x - offset) + b == W x + (b - offset W)``.

    Parameters
    ----------
    model : keras.Sequential
        A model built by `dense_stack`.
    offset : ndarray of shape (n_inputs,)
        What was subtracted from the inputs in training.

    Examples
    --------
    >>> import numpy as np
    >>> from dense_autoencoder._networks import dense_stack, predict, shift_inputs
    >>> model = dense_stack(3, (2,), ("relu",), (0,), "stack")
    >>> X = np.ones((4, 3), dtype=np.float32)
    >>> before = predict(model, X - 0.5)
    >>> shift_inputs(model, np.full(3, 0.5, dtype=np.float32))
    >>> bool(np.allclose(predict(model, X), before, atol=1e-6))
    True
    """
    first = model.layers[0]
    kernel, bias = first.get_weights()
    first.set_weights([kernel, bias - offset @ kernel])


def build_head(
    n_inputs, hidden_layer_sizes, n_classes, *, activation, seeds, initial_weights=None
):
    """Build a classification head: Dense hidden layers, then a softmax layer.

    Parameters
    ----------
    n_inputs : int
        Width of the input: the latent code.
    hidden_layer_sizes : tuple of int
        Widths of the hidden layers; ``()`` puts the softmax on the input.
    n_classes : int
        Number of classes: the width of the softmax layer.
    activation : str
        Activation of the hidden layers.
    seeds : sequence of int
        One initializer seed per layer: ``len(hidden_layer_sizes) + 1``.
    initial_weights : list of ndarray, default=None
        Kernel and bias to start the first hidden layer from, such as a trained
        decoder's; None keeps the seeded initialization.

    Returns
    -------
    head : keras.Sequential
        Maps ``(batch, n_inputs)`` to class probabilities
        ``(batch, n_classes)``.

    Examples
    --------
    >>> from dense_autoencoder._networks import build_head
    >>> head = build_head(8, (16,), 3, activation="relu", seeds=(0, 1))
    >>> head.output_shape
    (None, 3)
    """
    hidden = tuple(hidden_layer_sizes)
    head = dense_stack(
        n_inputs,
        (*hidden, n_classes),
        (activation,) * len(hidden) + ("softmax",),
        seeds,
        "head",
    )
    if initial_weights is not None:
        head.layers[0].set_weights(initial_weights)
    return head


def chain(first, second, name):
    """One model that applies ``second`` to the output of ``first``.

    The chained model shares the layers, and so the weights, of both.

    Parameters
    ----------
    first, second : keras.Sequential
        Built models; ``second`` takes what ``first`` outputs.
    name : str
        Name of the chained model.

    Returns
    -------
    model : keras.Model
        ``second(first(inputs))``.
    """
    inputs = keras.Input(shape=first.input_shape[1:], name=f"{name}_input")
    return keras.Model(inputs, second(first(inputs)), name=name)


def compile_for_training(model, loss, learning_rate):
    """Compile ``model`` with Adam and ``loss``, in place.

    The optimizer is named explicitly: an auto-named optimizer registers a new
    unique name in Keras's global state on every fit.

    Parameters
    ----------
    model : keras.Model
        The model to train.
    loss : str
        A Keras loss name.
    learning_rate : float
        Adam's step size.
    """
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=learning_rate, name="adam"),
        loss=loss,
    )


def predict(model, X, batch_size=PREDICT_BATCH_SIZE):
    """Run a Keras model on a 2-D float32 array, chunk by chunk.

    Calling the model directly costs a fraction of ``model.predict``, which sets
    up a data pipeline on every call.

    Parameters
    ----------
    model : keras.Model
        A built model.
    X : ndarray of shape (n_samples, n_inputs), dtype float32
        The input, with at least one row.
    batch_size : int, default=PREDICT_BATCH_SIZE
        Rows per call, to bound the memory of the intermediate layers.

    Returns
    -------
    outputs : ndarray of shape (n_samples, n_outputs), dtype float32
        The model's outputs, each row independent of how ``X`` was split.

    Examples
    --------
    >>> import numpy as np
    >>> from dense_autoencoder._networks import dense_stack, predict
    >>> model = dense_stack(3, (2,), ("linear",), (0,), "stack")
    >>> predict(model, np.ones((5, 3), dtype=np.float32)).shape
    (5, 2)
    """
    chunks = []
    for start in range(0, X.shape[0], batch_size):
        batch = X[start : start + batch_size]
        if batch.shape[0] == 1:
            # A lone row takes another matmul kernel, whose rounding differs;
            # doubling it keeps each row's output independent of the batching.
            output = model(np.concatenate([batch, batch]), training=False)[:1]
        else:
            output = model(batch, training=False)
        chunks.append(keras.ops.convert_to_numpy(output))
    return np.concatenate(chunks)


def evaluate_loss(model, X, Y, sample_weight=None):
    """Compiled loss of ``model`` on ``(X, Y)``, without tracing a new function.

    Parameters
    ----------
    model : keras.Model
        A compiled model.
    X : ndarray of shape (n_samples, n_inputs), dtype float32
        The inputs.
    Y : ndarray of shape (n_samples, n_outputs)
        The targets.
    sample_weight : ndarray of shape (n_samples,), default=None
        Weights of the samples' losses, as in training.

    Returns
    -------
    loss : float
        The loss, regularization terms included, as training reports it.
    """
    loss = model.compute_loss(
        x=X,
        y=Y,
        y_pred=predict(model, X),
        sample_weight=sample_weight,
        training=False,
    )
    return float(keras.ops.convert_to_numpy(loss))


def progress_bar(model, *, verbose, epochs, steps):
    """Keras's own per-epoch progress display, to drive by hand.

    Parameters
    ----------
    model : keras.Model
        The model being trained.
    verbose : int
        0 shows nothing, 1 a progress bar per epoch, 2 one line per epoch.
    epochs : int
        Number of epochs planned.
    steps : int
        Number of batches per epoch.

    Returns
    -------
    callbacks : keras.callbacks.CallbackList
        Call ``on_train_begin``, ``on_epoch_begin``, ``on_train_batch_end``,
        ``on_epoch_end`` and ``on_train_end`` on it as training goes.
    """
    callbacks = [keras.callbacks.ProgbarLogger()] if verbose else []
    return keras.callbacks.CallbackList(
        callbacks, model=model, verbose=verbose, epochs=epochs, steps=steps
    )
