"""DenseAutoencoder: a dense autoencoder as a scikit-learn transformer."""

from numbers import Integral, Real

import numpy as np
from sklearn.base import (
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
    _fit_context,
)
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import (
    _check_sample_weight,
    check_array,
    check_is_fitted,
)

from ._autoencoder_fit import BaseAutoencoder
from ._base import BaseDenseNetwork
from ._networks import ACTIVATIONS


class DenseAutoencoder(
    ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseAutoencoder
):
    """Dense autoencoder: a learned, non-linear encoding and its decoding.

    The encoder maps each sample through Dense hidden layers to a code of
    ``latent_dim`` values; the decoder mirrors the encoder back to the input
    space. Both are trained together with Adam to minimise the mean squared
    reconstruction error. ``transform`` encodes, ``inverse_transform`` decodes,
    and ``score`` is the negative reconstruction error, so that model selection
    can tune ``latent_dim`` with no labels.

    Samples may be vectors or arrays of any shape, such as images: they are
    flattened to ``n_features_in_`` values, and decoded back to the shape seen
    in ``fit``.

    Parameters
    ----------
    latent_dim : int, default=32
        Number of values in the code: the width of the encoder's last layer.

    hidden_layer_sizes : "auto" or tuple of int, default="auto"
        Widths of the encoder's hidden layers; the decoder uses them in reverse.
        ``"auto"`` is one hidden layer of ``n_features // 2`` units, and never
        fewer than ``latent_dim``: Dense(n/2) -> Dense(latent_dim) ->
        Dense(n/2) -> Dense(n). ``()`` encodes and decodes with one layer each.

    activation : str, default="relu"
        Keras activation of the hidden layers: one of "linear", "relu",
        "leaky_relu", "elu", "selu", "gelu", "silu", "tanh", "sigmoid",
        "softplus".

    latent_activation : str, default="linear"
        Activation of the code layer. A linear code keeps every latent unit
        alive; "relu" reproduces the reference article's network.

    output_activation : str, default="linear"
        Activation of the reconstruction layer; "sigmoid" suits data in [0, 1].

    init : {"auto", "pca", "random"}, default="auto"
        Starting weights. "pca" starts from an exact copy of PCA with
        ``latent_dim`` components (see Notes), so that training only adds a
        non-linear correction; it needs hidden activations that are the
        identity on positive inputs ("relu", "leaky_relu", "elu", "linear"), a
        "linear" or "relu" code and a "linear" output. "random" starts from
        seeded Glorot-uniform weights. "auto" is "pca" where the activations
        allow it, else "random".

    noise : float, default=0.0
        Standard deviation of Gaussian noise added to the inputs in every
        training batch, in the units of ``X``, while the targets stay clean:
        a denoising autoencoder. Fresh noise is drawn for every batch from the
        seeded generator; ``transform`` and the validation loss see none.

    latent_l1 : float, default=0.0
        Weight of an L1 penalty on the codes, added to each sample's training
        loss (its absolute code values summed, weighed by ``sample_weight``
        as its error is): sparse codes. With ``latent_activation="relu"`` the
        penalised codes are exactly zero; with a linear code they shrink.

    learning_rate_init : float, default=0.002
        Adam's step size.

    batch_size : int, default=256
        Most samples per gradient step: each epoch cuts the training samples
        into the fewest batches of at most this many, whose sizes differ by at
        most one.
        Large enough batches keep training near the machine's peak
        throughput.

    epochs : int, default=100
        Maximum number of passes over the training data.

    validation_fraction : float, default=0.1
        Share of the training data held out, in a seeded shuffled split, to
        report ``history_["val_loss"]`` and drive early stopping. 0 validates on
        nothing.

    early_stopping : bool, default=True
        Whether to stop once the monitored loss (validation loss if
        ``validation_fraction > 0``, else training loss) has not improved by a
        relative ``tol`` for ``n_iter_no_change`` epochs. The weights of the
        best epoch, or the starting weights if no epoch beat them, are
        restored at the end of training; ``best_epoch_`` says which.

    n_iter_no_change : int, default=10
        Epochs without improvement before early stopping.

    tol : float, default=1e-4
        Relative improvement of the monitored loss that counts as one.

    warm_start : bool, default=False
        If True, ``fit`` on a fitted autoencoder goes on training its
        networks from where they are, for ``epochs`` more epochs, instead of
        starting anew; samples must have the same shape, and the networks
        keep the layers of the first fit (a new ``latent_dim``, say, takes
        effect in a fit with ``warm_start=False``), while a new
        ``learning_rate_init``, ``noise`` or ``latent_l1`` takes effect at
        once, with Adam's state kept. See also `partial_fit`.

    random_state : int, RandomState instance or None, default=None
        Seeds the weights' initialization, the validation split and the order
        of the samples in each epoch. An integer gives bitwise identical
        weights across fits and processes on the same machine. None draws from
        NumPy's global random state, as scikit-learn does.

    verbose : int, default=0
        0 prints nothing, 1 shows Keras's progress bar for each epoch, 2 one
        line per epoch.

    Attributes
    ----------
    encoder_ : keras.Sequential
        The trained encoder, from ``(batch, n_features_in_)`` to
        ``(batch, latent_dim)``.

    decoder_ : keras.Sequential
        The trained decoder, from ``(batch, latent_dim)`` to
        ``(batch, n_features_in_)``.

    hidden_layer_sizes_ : tuple of int
        Widths of the encoder's hidden layers, with ``"auto"`` resolved.

    history_ : dict of str to list of float
        Per-epoch mean squared error on the training rows (``"loss"``), and on
        the validation rows (``"val_loss"``) when ``validation_fraction > 0``.

    n_iter_ : int
        Number of epochs run.

    best_epoch_ : int
        The epoch of ``history_`` whose weights the model kept: the best
        epoch with ``early_stopping``, else the last. 0 means that no epoch
        beat the starting weights, such as the PCA start, and they were kept;
        after a warm-start fit, the number of epochs before it means the
        same for the weights it started from.

    best_loss_ : float
        The monitored loss (validation loss if ``validation_fraction > 0``,
        else training loss) of the kept weights, as measured by the last
        ``fit``.

    sample_shape_ : tuple of int
        Shape of one sample as seen in ``fit``, such as ``(62, 47)`` for
        images; ``(n_features_in_,)`` for vectors.

    n_features_in_ : int
        Number of values in one sample.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during ``fit``. Defined only when ``X`` has
        feature names that are all strings.

    See Also
    --------
    sklearn.decomposition.PCA : The linear counterpart, and the anchor to beat.
    sklearn.neural_network.BernoulliRBM : Another neural feature learner.
    sklearn.neural_network.MLPRegressor : Dense networks for supervised targets.

    Notes
    -----
    The encoder trains on centred samples, and the decoder's output starts
    from the mean sample when ``output_activation="linear"``: both condition
    training far better, as PCA centres. The mean is that of the training
    rows, the validation rows left out, and is then folded into the encoder's
    first bias, so that ``encoder_`` takes samples as they come.

    Starting from PCA, the first units of every layer carry the principal
    coordinates, fitted on the training rows: a ReLU unit whose input stays
    positive is the identity, so each coordinate is shifted by a constant
    larger than any value it takes, and the shift is removed in the code
    layer. The other units start with zero outgoing weights. The network
    then reconstructs exactly as PCA does. Early stopping judges the start
    on the validation rows like any epoch, and if no epoch improves on it,
    keeps it refitted as PCA of all of ``X``, centred on the mean of all of
    ``X``.

    ``transform``, ``inverse_transform`` and ``score_samples`` run in NumPy on
    copies of the weights taken at the end of ``fit``: the outputs equal the
    Keras models' to float32 rounding, at a fraction of the cost of a Keras
    call.

    Training runs on Keras 3 with its configured backend (by default
    TensorFlow, on the GPU when it has one), in float32 whatever Keras's
    global dtype policy. The library touches no global state: no global seed,
    no determinism flag, no ``clear_session``.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from dense_autoencoder import DenseAutoencoder
    >>> X = load_digits().data / 16
    >>> autoencoder = DenseAutoencoder(8, epochs=5, random_state=0).fit(X)
    >>> autoencoder.transform(X).shape
    (1797, 8)
    >>> autoencoder.inverse_transform(autoencoder.transform(X[:3])).shape
    (3, 64)
    >>> autoencoder.score(X) < 0
    True
    """

    _keras_attributes = ("encoder_", "decoder_")

    _parameter_constraints: dict = {
        "latent_dim": [Interval(Integral, 1, None, closed="left")],
        **BaseDenseNetwork._parameter_constraints,
        "latent_activation": [StrOptions(set(ACTIVATIONS))],
        "output_activation": [StrOptions(set(ACTIVATIONS))],
        "init": [StrOptions({"auto", "pca", "random"})],
        "noise": [Interval(Real, 0, None, closed="left")],
        "latent_l1": [Interval(Real, 0, None, closed="left")],
    }

    def __init__(
        self,
        latent_dim=32,
        *,
        hidden_layer_sizes="auto",
        activation="relu",
        latent_activation="linear",
        output_activation="linear",
        init="auto",
        noise=0.0,
        latent_l1=0.0,
        learning_rate_init=0.002,
        batch_size=256,
        epochs=100,
        validation_fraction=0.1,
        early_stopping=True,
        n_iter_no_change=10,
        tol=1e-4,
        warm_start=False,
        random_state=None,
        verbose=0,
    ):
        self.latent_dim = latent_dim
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.latent_activation = latent_activation
        self.output_activation = output_activation
        self.init = init
        self.noise = noise
        self.latent_l1 = latent_l1
        self.learning_rate_init = learning_rate_init
        self.batch_size = batch_size
        self.epochs = epochs
        self.validation_fraction = validation_fraction
        self.early_stopping = early_stopping
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.warm_start = warm_start
        self.random_state = random_state
        self.verbose = verbose

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None, sample_weight=None):
        """Train the encoder and the decoder to reconstruct ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, ...)
            Training samples: vectors, or arrays of any shape such as images.

        y : Ignored
            Not used, present for API consistency by convention.

        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights. Each scales its sample's reconstruction
            error in training and validation, and its share of the mean and of
            the PCA start. A sample of weight 0 has no effect: the fit is the
            fit without it.

        Returns
        -------
        self : DenseAutoencoder
            The fitted autoencoder.
        """
        if self.warm_start and hasattr(self, "encoder_"):
            return self._continue(X, sample_weight, epochs=self.epochs, streaming=False)
        return self._fit_new(X, sample_weight, epochs=self.epochs, streaming=False)

    def partial_fit(self, X, y=None, sample_weight=None):
        """Train for one pass over ``X``, continuing from the previous calls.

        For data too large for memory, fed chunk by chunk (a NumPy memmap, for
        example). The first call builds the networks and their starting point
        (the mean and the PCA start) from its chunk; each call then makes
        exactly one pass over its chunk in batches, with no validation split
        and no early stopping, and the optimizer's state carries over from
        call to call (within a process: an unpickled or loaded autoencoder
        continues with a fresh optimizer). A ``learning_rate_init``, ``noise``
        or ``latent_l1`` set between calls takes effect in the next call.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, ...)
            A chunk of training samples, of the shape of the first chunk.

        y : Ignored
            Not used, present for API consistency by convention.

        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights of the chunk's samples, as in `fit`.

        Returns
        -------
        self : DenseAutoencoder
            The autoencoder, trained one pass further.
        """
        if hasattr(self, "encoder_"):
            return self._continue(X, sample_weight, epochs=1, streaming=True)
        self._validate_params()
        return self._fit_new(X, sample_weight, epochs=1, streaming=True)

    def transform(self, X):
        """Encode ``X`` to the latent space.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, ...)
            Samples of the shape seen in ``fit``, or flattened to
            ``n_features_in_`` values.

        Returns
        -------
        Z : ndarray of shape (n_samples, latent_dim), dtype float32
            The codes.
        """
        check_is_fitted(self)
        X, _ = self._validate_samples(X, reset=False)
        return self._forward(X, "encoder_")

    def inverse_transform(self, X):
        """Decode codes back to samples.

        Parameters
        ----------
        X : array-like of shape (n_samples, latent_dim)
            Codes, such as the output of ``transform``.

        Returns
        -------
        X_reconstructed : ndarray of shape (n_samples, ...), dtype float32
            The decoded samples, in the shape seen in ``fit``.
        """
        check_is_fitted(self)
        Z = check_array(X, dtype=np.float32, input_name="X")
        if Z.shape[1] != self._n_features_out:
            raise ValueError(
                f"X has {Z.shape[1]} features, but {type(self).__name__} is "
                f"expecting {self._n_features_out} latent features as input."
            )
        return self._forward(Z, "decoder_").reshape((Z.shape[0], *self.sample_shape_))

    def score_samples(self, X):
        """Negative mean squared reconstruction error of each sample.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, ...)
            Samples of the shape seen in ``fit``, or flattened.

        Returns
        -------
        scores : ndarray of shape (n_samples,), dtype float64
            Higher is better; 0 is a perfect reconstruction. Low scores flag
            samples unlike the training data.
        """
        check_is_fitted(self)
        X, _ = self._validate_samples(X, reset=False)
        reconstruction = self._forward(X, "encoder_", "decoder_")
        return -np.mean(np.square(reconstruction - X, dtype=np.float64), axis=1)

    def score(self, X, y=None, sample_weight=None):
        """Negative mean squared reconstruction error over all of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, ...)
            Samples of the shape seen in ``fit``, or flattened.

        y : Ignored
            Not used, present for API consistency by convention.

        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights of the samples' errors: the score is their
            weighted mean, as ``fit`` weighs its loss. None weighs every
            sample equally. With metadata routing on,
            ``set_score_request(sample_weight=True)`` lets a grid search pass
            the weights of each held-out fold.

        Returns
        -------
        score : float
            Higher is better, so that ``GridSearchCV`` maximises it.

        Examples
        --------
        >>> import numpy as np
        >>> from dense_autoencoder import DenseAutoencoder
        >>> X = np.random.RandomState(0).rand(100, 6)
        >>> autoencoder = DenseAutoencoder(2, epochs=2, random_state=0).fit(X)
        >>> errors = -autoencoder.score_samples(X[:2])
        >>> weighted = -autoencoder.score(X[:2], sample_weight=[3, 1])
        >>> bool(np.isclose(weighted, (3 * errors[0] + errors[1]) / 4))
        True
        """
        scores = self.score_samples(X)
        if sample_weight is None:
            return float(np.mean(scores))
        sample_weight = _check_sample_weight(
            sample_weight, scores, ensure_non_negative=True
        )
        # scikit-learn >= 1.7 refuses all-zero weights above; 1.6 lets them by.
        if not sample_weight.sum() > 0:
            raise ValueError(
                "sample_weight must give a positive weight to at least 1 "
                "sample; got weights that sum to 0."
            )
        return float(np.average(scores, weights=sample_weight))

    @property
    def _n_features_out(self):
        """Number of latent features, for ``get_feature_names_out``."""
        return self.encoder_.output_shape[-1]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float32"]
        return tags
