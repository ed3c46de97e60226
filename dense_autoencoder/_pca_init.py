"""Initial autoencoder weights whose reconstruction is exactly PCA's.

A dense autoencoder of ReLU layers can compute a linear map: a unit whose
pre-activation stays positive is the identity. Shifting each principal
coordinate by a constant larger than any value it takes gives such units; the
shift is removed again after the layer. The first units of every layer carry
the principal coordinates this way (the linear path); the other units start
with seeded random incoming weights and zero outgoing weights, so that at
initialization the network reconstructs exactly as PCA does, and training can
only add a non-linear correction to it.
"""

import numpy as np
from sklearn.utils.extmath import randomized_svd

#: Hidden activations that are the identity on positive inputs.
IDENTITY_ON_POSITIVES = ("linear", "relu", "leaky_relu", "elu")

#: How far above the largest training coordinate the shifts are set, so that
#: new samples rarely fall outside the linear range.
_SHIFT_MARGIN = 2.0


def principal_components(X_centred, n_components, rng, sample_weight=None):
    """Leading principal axes of centred data, and the coordinates on them.

    Parameters
    ----------
    X_centred : ndarray of shape (n_samples, n_features)
        Data with its mean removed.
    n_components : int
        Number of axes, at most ``min(n_samples, n_features)``.
    rng : numpy.random.RandomState
        Seeds the randomized solver used for large data.
    sample_weight : ndarray of shape (n_samples,), default=None
        Positive weights of the rows: the axes then maximise the weighted
        variance (``X_centred`` must be centred on the weighted mean).

    Returns
    -------
    components : ndarray of shape (n_components, n_features)
        Orthonormal axes, the largest variance first.
    coordinates : ndarray of shape (n_samples, n_components)
        ``X_centred @ components.T``.

    Examples
    --------
    >>> import numpy as np
    >>> from dense_autoencoder._pca_init import principal_components
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(50, 6)) * [5, 1, 1, 1, 1, 1]
    >>> components, coordinates = principal_components(X - X.mean(0), 2, rng)
    >>> components.shape, coordinates.shape
    ((2, 6), (50, 2))
    >>> int(np.argmax(abs(components[0])))
    0
    """
    X64 = X_centred.astype(np.float64)
    # A row of weight w counts as sqrt(w) times itself in the squared norms.
    scaled = X64 if sample_weight is None else X64 * np.sqrt(sample_weight)[:, None]
    if min(X64.shape) <= 1000 or n_components > min(X64.shape) // 4:
        _, _, vt = np.linalg.svd(scaled, full_matrices=False)
        components = vt[:n_components]
    else:
        _, _, components = randomized_svd(
            scaled, n_components, n_iter=7, random_state=rng
        )
    # A sign per axis that depends on the axis alone, not on the solver or on
    # how often a row repeats: the largest loading is positive.
    components *= np.sign(
        components[np.arange(len(components)), np.abs(components).argmax(axis=1)]
    )[:, None]
    return components, X64 @ components.T


def pca_weights(weights, components, coordinates, mean, *, latent_activation):
    """Overwrite initial autoencoder weights so that it reconstructs as PCA.

    Parameters
    ----------
    weights : list of ndarray
        Kernels and biases of the encoder's then the decoder's layers, as
        seeded at random. Every hidden layer must be at least as wide as the
        linear path: ``len(components)`` units.
    components : ndarray of shape (n_path, n_features)
        Principal axes, as `principal_components` returns them.
    coordinates : ndarray of shape (n_samples, n_path)
        The training samples' coordinates on them, to set the shifts.
    mean : ndarray of shape (n_features,)
        What the decoder adds back: the inputs are centred.
    latent_activation : str
        Activation of the code layer: "linear" codes are the principal
        coordinates; "relu" codes are the shifted coordinates.

    Returns
    -------
    weights : list of ndarray
        New arrays, in the same order and of the same shapes, float32.

    Examples
    --------
    >>> import numpy as np
    >>> from dense_autoencoder._pca_init import pca_weights, principal_components
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(40, 5))
    >>> components, coordinates = principal_components(X - X.mean(0), 2, rng)
    >>> shapes = [(5, 3), (3,), (3, 2), (2,), (2, 3), (3,), (3, 5), (5,)]
    >>> weights = [rng.normal(size=shape) for shape in shapes]
    >>> new = pca_weights(weights, components, coordinates, X.mean(0),
    ...                   latent_activation="linear")
    >>> [w.shape for w in new] == shapes
    True
    """
    n_path = components.shape[0]
    shift = _SHIFT_MARGIN * np.abs(coordinates).max(axis=0) + 1.0
    kernels = [np.array(kernel, dtype=np.float64) for kernel in weights[0::2]]
    biases = [np.array(bias, dtype=np.float64) for bias in weights[1::2]]
    code_layer, output_layer = len(kernels) // 2 - 1, len(kernels) - 1
    shifted_in = np.zeros(n_path)  # the centred inputs are not shifted
    for index, (kernel, bias) in enumerate(zip(kernels, biases, strict=True)):
        if index == output_layer:
            # Only the path reaches the output: correction units start silent.
            kernel[:] = 0.0
            kernel[:n_path] = components
            bias[:] = mean - shifted_in @ components
            break
        kernel[:, :n_path] = 0.0
        if index == 0:
            kernel[:, :n_path] = components.T
        else:
            kernel[:n_path, :n_path] = np.eye(n_path)
        keeps_shift = index != code_layer or latent_activation != "linear"
        shifted_out = shift if keeps_shift else np.zeros(n_path)
        bias[:n_path] = shifted_out - shifted_in
        shifted_in = shifted_out
    return [
        array.astype(np.float32)
        for pair in zip(kernels, biases, strict=True)
        for array in pair
    ]


def check_pca_start(init, activation, latent_activation, output_activation):
    """Whether ``init`` asks for, and the activations allow, the PCA start.

    Parameters
    ----------
    init : {"auto", "pca", "random"}
        The autoencoder's ``init``.
    activation, latent_activation, output_activation : str
        Its activations: hidden, code and output.

    Returns
    -------
    from_pca : bool
        True to start from PCA's weights.

    Raises
    ------
    ValueError
        If ``init="pca"`` and the activations cannot compute PCA's map.

    Examples
    --------
    >>> from dense_autoencoder._pca_init import check_pca_start
    >>> check_pca_start("auto", "relu", "linear", "linear")
    True
    >>> check_pca_start("auto", "tanh", "linear", "linear")
    False
    """
    allowed = (
        activation in IDENTITY_ON_POSITIVES
        and latent_activation in ("linear", "relu")
        and output_activation == "linear"
    )
    if init == "pca" and not allowed:
        raise ValueError(
            f"init='pca' needs activation in {IDENTITY_ON_POSITIVES}, "
            "latent_activation 'linear' or 'relu' and output_activation "
            f"'linear'; got activation={activation!r}, latent_activation="
            f"{latent_activation!r}, output_activation={output_activation!r}. "
            "Use init='auto' or 'random'."
        )
    return init != "random" and allowed


def start_from_pca(
    autoencoder, centred, mean, n_components, rng, sample_weight, *, latent_activation
):
    """Set the weights of ``autoencoder`` so that it reconstructs as PCA does.

    Parameters
    ----------
    autoencoder : keras.Model
        The encoder then the decoder, freshly built, its hidden layers at
        least ``n_components`` wide.
    centred : ndarray of shape (n_samples, n_features)
        The samples PCA is fitted on, less ``mean``.
    mean : ndarray of shape (n_features,)
        Their (weighted) mean, which the decoder adds back.
    n_components : int
        Width of the linear path.
    rng : numpy.random.RandomState
        Seeds the randomized solver used for large data.
    sample_weight : ndarray of shape (n_samples,) or None
        Weights of the samples.
    latent_activation : str
        Activation of the code layer, as in `pca_weights`.
    """
    components, coordinates = principal_components(
        centred, n_components, rng, sample_weight
    )
    autoencoder.set_weights(
        pca_weights(
            autoencoder.get_weights(),
            components,
            coordinates,
            mean,
            latent_activation=latent_activation,
        )
    )
