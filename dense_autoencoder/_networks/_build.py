"""Builders of the estimators' Keras networks: dense stacks, autoencoder, head.

Every layer and input is float32 whatever Keras's global dtype policy and
``floatx``: the start from PCA and the NumPy inference rely on float32, and a
mixed-precision policy set for other models must not change a fit.
"""

import keras

from ._run import PenalisedReconstruction

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
    layers = [keras.Input(shape=(n_inputs,), name=f"{name}_input", dtype="float32")]
    for index, (width, activation, seed) in enumerate(
        zip(units, activations, seeds, strict=True)
    ):
        layers.append(
            keras.layers.Dense(
                width,
                activation=activation,
                kernel_initializer=keras.initializers.GlorotUniform(seed=int(seed)),
                dtype="float32",
                name=f"{name}_dense_{index}",
            )
        )
    return keras.Sequential(layers, name=name)


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


class InputNoise(keras.layers.Layer):
    """Add Gaussian noise of any standard deviation to the inputs, in training.

    Keras's ``GaussianNoise`` refuses a standard deviation above 1, while the
    estimators' ``noise`` is in the units of the data, such as pixel values
    up to 255. Outside training, the layer passes its inputs through.

    Parameters
    ----------
    stddev : float
        Standard deviation of the noise.
    seed : int
        Seed of the noise's generator.
    **kwargs : dict
        Passed to ``keras.layers.Layer``, such as ``name``.

    Examples
    --------
    >>> import keras
    >>> import numpy as np
    >>> from dense_autoencoder._networks import InputNoise
    >>> layer = InputNoise(30.0, seed=0)
    >>> X = np.zeros((1000, 4), dtype=np.float32)
    >>> noisy = keras.ops.convert_to_numpy(layer(X, training=True))
    >>> clean = keras.ops.convert_to_numpy(layer(X))
    >>> bool(25 < noisy.std() < 35), bool(np.all(clean == 0))
    (True, True)
    """

    def __init__(self, stddev, seed, **kwargs):
        super().__init__(**kwargs)
        self.stddev = float(stddev)
        self.seed = int(seed)
        self.seed_generator = keras.random.SeedGenerator(self.seed)

    def call(self, inputs, training=False):
        if not training:
            return inputs
        return inputs + keras.random.normal(
            keras.ops.shape(inputs),
            stddev=self.stddev,
            dtype=self.compute_dtype,
            seed=self.seed_generator,
        )

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "stddev": self.stddev, "seed": self.seed}


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
        Weight of an L1 penalty on the codes, which `reconstruction_loss`
        adds to the loss.

    Returns
    -------
    autoencoder : keras.Model
        ``decoder(encoder(inputs))`` with the noise, sharing the stacks'
        layers and weights. With a penalty, the codes follow the
        reconstruction in its outputs, for the loss to penalise.
    """
    inputs = keras.Input(
        shape=encoder.input_shape[1:], name="autoencoder_input", dtype="float32"
    )
    signal = inputs
    if noise > 0:
        signal = InputNoise(noise, seed=noise_seed, dtype="float32")(signal)
    codes = encoder(signal)
    outputs = decoder(codes)
    if latent_l1 > 0:
        outputs = keras.layers.Concatenate(
            name="reconstruction_and_codes", dtype="float32"
        )([outputs, codes])
    return keras.Model(inputs, outputs, name="autoencoder")


def training_regularization(model):
    """Return the noise and the code penalty a `training_model` trains with.

    Parameters
    ----------
    model : keras.Model
        A model built by `training_model`, compiled with its
        `reconstruction_loss` to train with a penalty.

    Returns
    -------
    noise : float
        Standard deviation of the noise on the inputs; 0 for none.
    latent_l1 : float
        Weight of the L1 penalty on the codes; 0 for none.

    Examples
    --------
    >>> from dense_autoencoder._networks import dense_stack, training_model
    >>> from dense_autoencoder._networks import training_regularization
    >>> encoder = dense_stack(4, (2,), ("linear",), (0,), "encoder")
    >>> decoder = dense_stack(2, (4,), ("linear",), (1,), "decoder")
    >>> model = training_model(encoder, decoder, noise=0.5, noise_seed=0)
    >>> training_regularization(model)
    (0.5, 0.0)
    """
    noise = next(
        (layer.stddev for layer in model.layers if isinstance(layer, InputNoise)),
        0.0,
    )
    loss = model.loss
    latent_l1 = loss.latent_l1 if isinstance(loss, PenalisedReconstruction) else 0.0
    return noise, latent_l1


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
    """Build a classification head: Dense hidden layers, then a logits layer.

    The head outputs logits, so that it trains on the cross-entropy computed
    from them (``compile_for_training(head, "cross_entropy", ...)``): the same
    loss on every backend, whose gradient does not vanish when predictions
    saturate, as it does on probabilities clipped at Keras's epsilon.
    `with_softmax` turns the trained head into one that outputs probabilities.

    Parameters
    ----------
    n_inputs : int
        Width of the input: the latent code.
    hidden_layer_sizes : tuple of int
        Widths of the hidden layers; ``()`` puts the logits layer on the input.
    n_classes : int
        Number of classes: the width of the logits layer.
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
        Maps ``(batch, n_inputs)`` to class logits ``(batch, n_classes)``.

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
        (activation,) * len(hidden) + ("linear",),
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
    inputs = keras.Input(
        shape=first.input_shape[1:], name=f"{name}_input", dtype="float32"
    )
    return keras.Model(inputs, second(first(inputs)), name=name)
