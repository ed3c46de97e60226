"""LatentClassifier: an autoencoder's encoder with a trainable classification head."""

from numbers import Integral, Real

import numpy as np
from scipy.special import log_softmax
from sklearn.base import ClassifierMixin, _fit_context
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted

from ._base import BaseDenseNetwork
from ._classifier_fit import BaseLatentClassifier


class LatentClassifier(ClassifierMixin, BaseLatentClassifier):
    """Classifier on the latent code of a dense autoencoder.

    The autoencoder is first fitted on ``X`` without the labels, unless it is
    given already fitted in a :class:`~sklearn.frozen.FrozenEstimator`. A copy
    of its encoder then feeds a head of Dense layers ending in a softmax, and
    the head alone is trained on the codes, with Adam and the cross-entropy
    loss taken from the softmax's inputs: the encoder stays frozen. With
    ``freeze_encoder=False`` the encoder and the head are then fine-tuned
    together, at a lower learning rate.

    The default head follows the reference article: the decoder's first hidden
    layer, starting from its trained weights, then the softmax layer.

    With ``semi_supervised=True``, samples labelled -1 are unlabelled, as in
    :mod:`sklearn.semi_supervised`: they pre-train the autoencoder alongside
    the labelled ones, and the head learns from the labelled ones alone.

    Parameters
    ----------
    autoencoder : DenseAutoencoder or FrozenEstimator, default=None
        The autoencoder whose encoder makes the features. An unfitted
        autoencoder is cloned and fitted on ``X``; so is a fitted one, as
        scikit-learn's meta-estimators do. Wrap a fitted autoencoder in
        ``FrozenEstimator`` to use it as it is. None means
        ``DenseAutoencoder(420)``, the reference article's code size, with the
        classifier's ``verbose``: a wide code keeps what tells the classes
        apart, where the autoencoder's own default of 32 values is made for
        compression. Its parameters can be tuned as
        ``autoencoder__latent_dim`` and so on.

    hidden_layer_sizes : "auto" or tuple of int, default="auto"
        Widths of the head's hidden layers, before the softmax layer.
        ``"auto"`` is the decoder's first hidden layer, with its activation
        and trained weights (plain softmax on the code if the decoder has no
        hidden layer). ``()`` puts the softmax directly on the code.

    activation : str, default="relu"
        Keras activation of the head's hidden layers when they are given as a
        tuple: one of "linear", "relu", "leaky_relu", "elu", "selu", "gelu",
        "silu", "tanh", "sigmoid", "softplus".

    freeze_encoder : bool, default=True
        Whether the encoder stays as the autoencoder learned it. If False, the
        encoder and the head are trained together after the head, for
        ``fine_tune_epochs`` at ``fine_tune_learning_rate``.

    fine_tune_epochs : int, default=20
        Maximum number of fine-tuning epochs; only with
        ``freeze_encoder=False``.

    fine_tune_learning_rate : float, default=1e-4
        Adam's step size while fine-tuning; lower than ``learning_rate_init``
        so that the encoder moves away from what it learned only slowly.

    learning_rate_init : float, default=0.001
        Adam's step size while the head is trained.

    batch_size : int, default=32
        Most samples per gradient step: each epoch cuts the training samples
        into the fewest batches of at most this many, whose sizes differ by at
        most one.

    epochs : int, default=150
        Maximum number of passes over the training data to train the head.

    validation_fraction : float, default=0.0
        Share of the training data held out, in a seeded split stratified by
        class, to report ``history_["val_loss"]`` and drive early stopping. 0,
        the default, trains on every row and stops once the training loss
        settles, as :class:`~sklearn.neural_network.MLPClassifier` does: the
        validation cross-entropy turns up while the accuracy still improves,
        so it stops the head too early.

    early_stopping : bool, default=True
        Whether to stop once the monitored loss (validation loss if
        ``validation_fraction > 0``, else training loss) has not improved by a
        relative ``tol`` for ``n_iter_no_change`` epochs. The weights of the
        best epoch, or the starting weights if no epoch beat them, are
        restored; ``best_epoch_`` says which. Applies to each stage of
        training.

    n_iter_no_change : int, default=10
        Epochs without improvement before early stopping.

    tol : float, default=1e-4
        Relative improvement of the monitored loss that counts as one.

    warm_start : bool, default=False
        If True, ``fit`` on a fitted classifier keeps its autoencoder and its
        encoder and goes on training the head from where it is, for
        ``epochs`` more epochs, then fine-tunes again if
        ``freeze_encoder=False``, instead of starting anew. The labels must be
        among ``classes_``, and the networks keep the layers of the first fit:
        a new ``autoencoder``, ``hidden_layer_sizes`` or ``activation`` takes
        effect in a fit with ``warm_start=False``. See also `partial_fit`.

    class_weight : dict, "balanced" or None, default=None
        Weights of the classes in the head's loss and in fine-tuning's, times
        ``sample_weight``; the autoencoder learns without them. A dict maps
        labels to weights (1 for a class it leaves out); it may name labels
        absent from ``y`` only if it weighs every class in ``y``. "balanced"
        is ``n_samples / (n_classes * np.bincount(y))`` over the labelled
        samples; `partial_fit` refuses it.

    semi_supervised : bool, default=False
        If True, a numeric label of -1 marks an unlabelled sample, as in
        :mod:`sklearn.semi_supervised`: it pre-trains the autoencoder (when it
        is fitted here) and is left out of the head's training. If False, -1
        is a class like any other, as in a binary problem of -1 and 1.

    random_state : int, RandomState instance or None, default=None
        Seeds the head's initialization, the validation split, the order of
        the samples in each epoch, and the autoencoder when its own
        ``random_state`` is None. An integer gives bitwise identical weights
        across fits and processes on the same machine.

    verbose : int, default=0
        0 prints nothing, 1 shows Keras's progress bar for each epoch, 2 one
        line per epoch.

    Attributes
    ----------
    autoencoder_ : DenseAutoencoder or FrozenEstimator
        The fitted autoencoder: the clone fitted on ``X``, or the given
        ``FrozenEstimator``.

    encoder_ : keras.Sequential
        The classifier's own copy of the encoder, from
        ``(batch, n_features_in_)`` to the code; fine-tuned if
        ``freeze_encoder=False``.

    head_ : keras.Sequential
        The trained head, from the code to the probability of each class.

    classes_ : ndarray of shape (n_classes,)
        The class labels.

    history_ : dict of str to list of float
        Per-epoch cross-entropy of the head on the training rows (``"loss"``)
        and, if ``validation_fraction > 0``, on the validation rows
        (``"val_loss"``); with
        ``freeze_encoder=False``, the same while fine-tuning
        (``"fine_tune_loss"``, ``"fine_tune_val_loss"``). A fit with
        ``warm_start=True`` adds its epochs to these lists, and each call to
        `partial_fit` adds its pass's loss to ``"loss"``.

    n_iter_ : int
        Number of epochs run, fine-tuning included, in the first fit and in
        the warm-started fits and passes of `partial_fit` since.

    best_epoch_ : int
        The epoch whose weights the classifier kept, counted along
        ``history_`` with fine-tuning after the head's epochs: the best epoch
        of the last stage of training with ``early_stopping``, else the last.
        0 means that no epoch beat the head's starting weights; with
        ``freeze_encoder=False``, the number of head epochs means that
        fine-tuning kept the weights it started from. A warm-started fit
        counts on from the epochs before it, in ``n_iter_``; after
        `partial_fit`, its last pass.

    best_loss_ : float
        The monitored cross-entropy (on the validation rows if
        ``validation_fraction > 0``, else on the training rows) of the kept
        weights, in the last stage of training; after `partial_fit`, its last
        pass's training loss.

    sample_shape_ : tuple of int
        Shape of one sample as seen in ``fit``.

    n_features_in_ : int
        Number of values in one sample.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during ``fit``. Defined only when ``X`` has
        feature names that are all strings.

    See Also
    --------
    DenseAutoencoder : The autoencoder whose encoder this classifier uses.
    sklearn.neural_network.MLPClassifier : A dense network trained on the
        labels alone.
    sklearn.frozen.FrozenEstimator : Use a fitted autoencoder as it is.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from dense_autoencoder import DenseAutoencoder, LatentClassifier
    >>> X, y = load_digits(return_X_y=True)
    >>> X = X / 16
    >>> classifier = LatentClassifier(
    ...     DenseAutoencoder(16, epochs=5), epochs=5, random_state=0
    ... ).fit(X, y)
    >>> classifier.predict(X[:3]).shape
    (3,)
    >>> classifier.predict_proba(X[:3]).shape
    (3, 10)
    """

    _keras_attributes = ("encoder_", "head_")

    _parameter_constraints: dict = {
        "autoencoder": [None, HasMethods(["fit", "transform", "inverse_transform"])],
        **BaseDenseNetwork._parameter_constraints,
        "freeze_encoder": ["boolean"],
        "fine_tune_epochs": [Interval(Integral, 1, None, closed="left")],
        "fine_tune_learning_rate": [Interval(Real, 0, None, closed="neither")],
        "class_weight": [dict, StrOptions({"balanced"}), None],
        "semi_supervised": ["boolean"],
    }

    def __init__(
        self,
        autoencoder=None,
        *,
        hidden_layer_sizes="auto",
        activation="relu",
        freeze_encoder=True,
        fine_tune_epochs=20,
        fine_tune_learning_rate=1e-4,
        learning_rate_init=0.001,
        batch_size=32,
        epochs=150,
        validation_fraction=0.0,
        early_stopping=True,
        n_iter_no_change=10,
        tol=1e-4,
        warm_start=False,
        class_weight=None,
        semi_supervised=False,
        random_state=None,
        verbose=0,
    ):
        self.autoencoder = autoencoder
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.freeze_encoder = freeze_encoder
        self.fine_tune_epochs = fine_tune_epochs
        self.fine_tune_learning_rate = fine_tune_learning_rate
        self.learning_rate_init = learning_rate_init
        self.batch_size = batch_size
        self.epochs = epochs
        self.validation_fraction = validation_fraction
        self.early_stopping = early_stopping
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.warm_start = warm_start
        self.class_weight = class_weight
        self.semi_supervised = semi_supervised
        self.random_state = random_state
        self.verbose = verbose

    # The autoencoder's own parameters are validated when it is fitted.
    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, sample_weight=None):
        """Fit the autoencoder if needed, then train the head on its codes.

        With ``warm_start=True``, a fitted classifier keeps its autoencoder
        and encoder, and its head trains further from where it is.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, ...)
            Training samples: vectors, or arrays of any shape such as images.

        y : array-like of shape (n_samples,)
            Class labels of any type, such as strings or integers. With
            ``semi_supervised=True``, -1 marks an unlabelled sample.

        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights. Each scales its sample's loss when the
            autoencoder is fitted here and when the head and the encoder are
            trained, where it is multiplied by its class's ``class_weight``.
            A sample of weight 0 has no effect: the fit is the fit without it.

        Returns
        -------
        self : LatentClassifier
            The fitted classifier.
        """
        if self.warm_start and hasattr(self, "head_"):
            return self._continue(X, y, sample_weight, streaming=False)
        return self._fit(X, y, sample_weight)

    def _check_frozen_encoder(self):
        if not self.freeze_encoder:
            raise AttributeError(
                "partial_fit trains the head alone on the frozen encoder's "
                "codes: it is not available with freeze_encoder=False."
            )
        return True

    @available_if(_check_frozen_encoder)
    @_fit_context(prefer_skip_nested_validation=False)
    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Train the head for one pass over ``X``, continuing the previous calls.

        For labelled data too large for memory, fed chunk by chunk. The first
        call fits the autoencoder on its chunk, as `fit` does on ``X``, or
        takes the given ``FrozenEstimator`` as it is, and builds the head;
        later calls leave the autoencoder and the encoder as they are. Each
        call then makes exactly one pass of the head over its chunk, with no
        validation split and no early stopping, and the optimizer's state
        carries over from call to call and from `fit` (within a process: an
        unpickled or loaded classifier continues with a fresh optimizer).

        To pre-train the autoencoder on the whole stream, stream it first with
        :meth:`DenseAutoencoder.partial_fit` and pass it in a
        ``FrozenEstimator``. Only available with ``freeze_encoder=True``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, ...)
            A chunk of training samples, of the shape of the first chunk.

        y : array-like of shape (n_samples,)
            Class labels of the chunk, all of them in ``classes``. With
            ``semi_supervised=True``, -1 marks an unlabelled sample, which
            only the first call uses (to fit the autoencoder); a later chunk
            without a labelled sample leaves the classifier as it was.

        classes : array-like of shape (n_classes,), default=None
            Every label the stream holds, since a chunk may lack some.
            Required on the first call; later calls may pass it again, the
            same.

        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights of the chunk's samples, as in `fit`.

        Returns
        -------
        self : LatentClassifier
            The classifier, its head trained one pass further.

        Examples
        --------
        >>> from sklearn.datasets import load_digits
        >>> from dense_autoencoder import DenseAutoencoder, LatentClassifier
        >>> X, y = load_digits(return_X_y=True)
        >>> X = X / 16
        >>> classifier = LatentClassifier(
        ...     DenseAutoencoder(16, epochs=5), random_state=0
        ... )
        >>> for start in range(0, len(X), 600):
        ...     chunk = slice(start, start + 600)
        ...     _ = classifier.partial_fit(X[chunk], y[chunk], classes=range(10))
        >>> classifier.n_iter_, len(classifier.history_["loss"])
        (3, 3)
        """
        return self._partial_fit(X, y, classes, sample_weight)

    def predict_proba(self, X):
        """Probability of each class.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, ...)
            Samples of the shape seen in ``fit``, or flattened.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes), dtype float64
            Each row sums to 1; columns follow ``classes_``.
        """
        return np.exp(self.predict_log_proba(X))

    def predict_log_proba(self, X):
        """Logarithm of the probability of each class.

        Taken from the head's logits in float64, so that it stays finite and
        ordered where a probability rounds to 0.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, ...)
            Samples of the shape seen in ``fit``, or flattened.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes), dtype float64
            The logarithm of `predict_proba`; columns follow ``classes_``.
        """
        check_is_fitted(self)
        X, _ = self._validate_samples(X, reset=False)
        logits = self._forward(X, "encoder_", "head_", last_activation="linear")
        return log_softmax(logits.astype(np.float64), axis=1)

    def predict(self, X):
        """Most probable class of each sample.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, ...)
            Samples of the shape seen in ``fit``, or flattened.

        Returns
        -------
        y : ndarray of shape (n_samples,)
            Labels from ``classes_``.
        """
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]
