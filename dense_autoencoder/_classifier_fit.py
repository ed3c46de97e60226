"""How a LatentClassifier fits: the autoencoder, then the head, then fine-tuning.

``_classifier`` holds the scikit-learn contract (parameters, ``fit``,
``partial_fit``, ``predict`` ...); this module, the work behind ``fit`` and
``partial_fit``.
"""

import numpy as np
from sklearn.base import clone
from sklearn.frozen import FrozenEstimator
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted

from ._autoencoder import DenseAutoencoder
from ._base import BaseDenseNetwork
from ._class_weight import NOT_STREAMED, class_weights, weigh_classes
from ._networks import (
    build_head,
    chain,
    compile_for_training,
    dense_layer_state,
    dense_stack_from_state,
    dense_stack_state,
    predict,
    with_logits,
    with_softmax,
)
from ._training import TrainingDivergedError

#: The reference article's code size, used when no autoencoder is given.
_DEFAULT_LATENT_DIM = 420

#: What to do about labels outside ``classes_``, when streaming or warm-started.
_STREAM_CLASSES = "Pass every label in classes on the first call to partial_fit."
_WARM_START_CLASSES = (
    "A fit with warm_start=True keeps the classes of the first fit; set "
    "warm_start=False to fit anew."
)


def _prior_entropy(y):
    """Return the cross-entropy of predicting the class frequencies of ``y``."""
    frequencies = np.bincount(y) / len(y)
    frequencies = frequencies[frequencies > 0]
    return float(-np.sum(frequencies * np.log(frequencies)))


def _n_epochs(history):
    """Epochs run in ``history``: the head's, then fine-tuning's."""
    return len(history["loss"]) + len(history.get("fine_tune_loss", ()))


def _rows(mask, X, sample_weight):
    """``X`` and ``sample_weight`` (which may be None) on the rows of ``mask``."""
    if mask.all():
        return X, sample_weight
    return X[mask], None if sample_weight is None else sample_weight[mask]


class BaseLatentClassifier(BaseDenseNetwork):
    """The fitting of `LatentClassifier`, which reads its parameters.

    Not an estimator by itself: it has no parameters of its own (see
    ``BaseAutoencoder``).
    """

    def _fit(self, X, y, sample_weight, *, classes=None, streaming=False):
        """Fit the autoencoder if needed, the head, and the fine-tuning.

        ``streaming`` for the first call to partial_fit: the labels must be
        among the given ``classes``, and the head makes one pass over the
        labelled rows, with no validation split and no early stopping.
        """
        with self._discard_state_on_error():
            (X, y), sample_shape = self._validate_samples(X, y, reset=True)
            sample_weight, X, y = self._check_weights(sample_weight, X, y)
            labelled = self._labelled(y)
            if streaming:
                classes = self._check_classes(classes)
                y = self._class_indices(y[labelled], classes, _STREAM_CLASSES)
                if not len(y):
                    raise ValueError(
                        "The first chunk passed to partial_fit has no labelled "
                        "sample: every label is -1. The head needs some to start."
                    )
            else:
                classes, y = np.unique(y[labelled], return_inverse=True)
                self._check_n_classes(classes, "among the labelled samples")
            weights = class_weights(self.class_weight, classes, y)
            rng = check_random_state(self.random_state)
            autoencoder, encoder, head = self._start(
                X, sample_shape, rng, sample_weight, len(classes)
            )
            # Rows labelled -1, scikit-learn's mark of an unlabelled sample,
            # pre-train the autoencoder and are left out of the head.
            X, sample_weight = _rows(labelled, X, sample_weight)
            X, y, sample_weight = weigh_classes(
                weights, X, y, sample_weight, self.class_weight
            )
            history, kept, epochs_before = self._train_networks(
                encoder, head, X, y, sample_weight, rng, streaming
            )
            self._set_fitted(autoencoder, encoder, head, classes, sample_shape)
            self.history_ = history
            self.n_iter_ = _n_epochs(history)
            self._keep_best(kept, epochs_before)
        return self

    def _partial_fit(self, X, y, classes, sample_weight):
        """One pass of the head over a chunk; the first call starts the model."""
        if self.class_weight == "balanced":
            raise ValueError(NOT_STREAMED)
        if not hasattr(self, "head_"):
            if classes is None:
                raise ValueError(
                    "classes must be passed on the first call to partial_fit: "
                    "every label the stream will hold, since a chunk may lack "
                    "some."
                )
            return self._fit(X, y, sample_weight, classes=classes, streaming=True)
        if classes is not None and not np.array_equal(
            np.unique(classes), self.classes_
        ):
            raise ValueError(
                f"classes={classes!r} is not the same as on the first call to "
                f"partial_fit or in fit: {self.classes_.tolist()!r}."
            )
        return self._continue(X, y, sample_weight, streaming=True)

    def _continue(self, X, y, sample_weight, *, streaming):
        """Train the fitted head further on ``X``, and fine-tune if asked.

        The autoencoder is not refitted, and the labels must be among
        ``classes_``. ``streaming`` for partial_fit: one pass, where a chunk
        without a labelled row changes nothing.
        """
        # Bad input is refused before training, and leaves the model as it was.
        (X, y), _ = self._validate_samples(X, y, reset=False)
        sample_weight, X, y = self._check_weights(sample_weight, X, y)
        labelled = self._labelled(y)
        y = self._class_indices(
            y[labelled],
            self.classes_,
            _STREAM_CLASSES if streaming else _WARM_START_CLASSES,
        )
        X, sample_weight = _rows(labelled, X, sample_weight)
        if not len(y):
            if streaming:
                return self
            raise ValueError(
                "A fit with warm_start=True trains the head further on the "
                "labelled samples, and every label is -1."
            )
        weights = class_weights(self.class_weight, self.classes_, y)
        X, y, sample_weight = weigh_classes(
            weights, X, y, sample_weight, self.class_weight
        )
        with self._discard_state_on_error():
            head = getattr(self, "_trainer", None)
            if head is None:
                # After unpickling or loading: the optimizer starts afresh.
                head = with_logits(self.head_)
                compile_for_training(head, "cross_entropy", self.learning_rate_init)
            rng = check_random_state(self.random_state)
            history, kept, epochs_before = self._train_networks(
                self.encoder_, head, X, y, sample_weight, rng, streaming
            )
            self.head_.set_weights(head.get_weights())
            changed = {"head_": self.head_}
            if not self.freeze_encoder:
                changed["encoder_"] = self.encoder_
            # An unchanged encoder keeps its copy: only the others are refreshed.
            self._set_networks(**changed)
            self._trainer = head
            self._extend_history(history)
            self._keep_best(kept, self.n_iter_ + epochs_before)
            self.n_iter_ += _n_epochs(history)
        return self

    def _train_networks(self, encoder, head, X, y, sample_weight, rng, streaming):
        """Train the head on the encoder's codes, then both if fine-tuning.

        ``streaming``: one pass of the head over every row, no validation
        split, no early stopping.

        Returns
        -------
        history : dict
            The losses of each stage, as in ``history_``.
        kept : tuple
            The kept epoch of the last stage and its loss, as `_train` returns.
        epochs_before : int
            The epochs run before the last stage.
        """
        rows = self._training_rows(X.shape[0], rng, streaming, y)
        prior_entropy = _prior_entropy(y)
        history, kept = self._train(
            head,
            predict(encoder, X),
            y,
            rows,
            rng,
            1 if streaming else self.epochs,
            prior_entropy,
            sample_weight=sample_weight,
            early_stopping=False if streaming else None,
        )
        if self.freeze_encoder:
            return history, kept, 0
        # Shares the encoder's and the head's layers: trains them in place.
        classifier = chain(encoder, head, "classifier")
        compile_for_training(classifier, "cross_entropy", self.fine_tune_learning_rate)
        fine_tuned, kept = self._train(
            classifier,
            X,
            y,
            rows,
            rng,
            self.fine_tune_epochs,
            prior_entropy,
            rate_param="fine_tune_learning_rate",
            sample_weight=sample_weight,
        )
        epochs_before = len(history["loss"])
        history.update(
            (f"fine_tune_{key}", losses) for key, losses in fine_tuned.items()
        )
        return history, kept, epochs_before

    def _labelled(self, y):
        """Mask of the rows with a label, after checking that those are labels.

        With ``semi_supervised``, numeric labels of -1 mark the other rows.
        """
        labelled = np.ones(len(y), dtype=bool)
        if self.semi_supervised and y.dtype.kind in "iuf":
            labelled = y != -1
        check_classification_targets(y[labelled])
        return labelled

    def _check_classes(self, classes):
        """Return the given ``classes``, sorted, after checking them."""
        classes = np.unique(classes)
        if not self._labelled(classes).all():
            raise ValueError(
                "classes must not hold -1 with semi_supervised=True: -1 "
                f"marks an unlabelled sample; got classes={classes.tolist()!r}."
            )
        self._check_n_classes(classes, "in classes")
        return classes

    @staticmethod
    def _check_n_classes(classes, where):
        """Refuse fewer than two classes, naming those found."""
        if len(classes) < 2:
            raise ValueError(
                f"LatentClassifier needs at least 2 classes {where}; got "
                f"{len(classes)} class{'es' if len(classes) != 1 else ''}: "
                f"{', '.join(map(repr, classes.tolist())) or 'none'}."
            )

    @staticmethod
    def _class_indices(y, classes, hint):
        """Positions of the labels ``y`` in the sorted ``classes``.

        Unknown labels are refused, named, with ``hint`` on what to do.
        """
        unknown = np.setdiff1d(y, classes)
        if unknown.size:
            raise ValueError(
                f"y holds labels that are not in classes {classes.tolist()!r}: "
                f"{unknown.tolist()!r}. {hint}"
            )
        return np.searchsorted(classes, y)

    def _start(self, X, sample_shape, rng, sample_weight, n_classes):
        """Return the fitted autoencoder, a copy of its encoder, a compiled head."""
        autoencoder = self._fit_autoencoder(X, sample_shape, rng, sample_weight)
        encoder = dense_stack_from_state(dense_stack_state(autoencoder.encoder_))
        hidden, activation, initial_weights = self._head_layers(autoencoder)
        head = build_head(
            encoder.output_shape[-1],
            hidden,
            n_classes,
            activation=activation,
            seeds=self._draw_seeds(rng, len(hidden) + 1),
            initial_weights=initial_weights,
        )
        # While the encoder is frozen, the head trains on fixed codes.
        compile_for_training(head, "cross_entropy", self.learning_rate_init)
        return autoencoder, encoder, head

    def _set_fitted(self, autoencoder, encoder, head, classes, sample_shape):
        """Set the fitted networks; keep the compiled head to train it further."""
        self.autoencoder_ = autoencoder
        self._set_networks(encoder_=encoder, head_=with_softmax(head))
        # Holds the optimizer's state, so that partial_fit and a warm-started
        # fit continue it.
        self._trainer = head
        self.classes_ = classes
        self.sample_shape_ = sample_shape

    def _fit_autoencoder(self, X, sample_shape, rng, sample_weight):
        """Return the given frozen autoencoder, or fit a clone of it."""
        autoencoder = self.autoencoder
        if autoencoder is None:
            autoencoder = DenseAutoencoder(_DEFAULT_LATENT_DIM, verbose=self.verbose)
        inner = getattr(autoencoder, "estimator", autoencoder)
        if not isinstance(inner, DenseAutoencoder):
            raise TypeError(
                "autoencoder must be a DenseAutoencoder, or a FrozenEstimator "
                f"of a fitted one; got {autoencoder!r}."
            )
        # Drawn in every case, so that the draws after it do not depend on it.
        seed = self._draw_seeds(rng, 1)[0]
        if isinstance(autoencoder, FrozenEstimator):
            check_is_fitted(autoencoder)
            if autoencoder.n_features_in_ != X.shape[1]:
                raise ValueError(
                    f"X has {X.shape[1]} features, but the frozen autoencoder "
                    f"was fitted on {autoencoder.n_features_in_} features."
                )
            return autoencoder
        autoencoder = clone(autoencoder)
        if autoencoder.random_state is None:
            autoencoder.set_params(random_state=int(seed))
        try:
            return autoencoder.fit(
                X.reshape((X.shape[0], *sample_shape)), sample_weight=sample_weight
            )
        except TrainingDivergedError as error:
            # Its message names the autoencoder's own parameter.
            where = (
                "the classifier's autoencoder__learning_rate_init"
                if self.autoencoder is not None
                else "set by passing autoencoder=DenseAutoencoder("
                f"{_DEFAULT_LATENT_DIM}, learning_rate_init=...)"
            )
            raise TrainingDivergedError(
                f"Pre-training the autoencoder: {error} Its step size is {where}."
            ) from error

    def _head_layers(self, autoencoder):
        """Widths, activation and initial weights of the head's hidden layers."""
        hidden = self._check_hidden_layer_sizes()
        if hidden is not None:
            return hidden, self.activation, None
        if not autoencoder.hidden_layer_sizes_:
            # The decoder's only layer is its output: no hidden layer to reuse.
            return (), self.activation, None
        activation, weights = dense_layer_state(autoencoder.decoder_, 0)
        return (weights[0].shape[1],), activation, weights
