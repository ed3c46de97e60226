"""How a LatentClassifier fits: the autoencoder, then the head, then fine-tuning.

``_classifier`` holds the scikit-learn contract (parameters, ``fit``,
``predict`` ...); this module, the work behind ``fit``.
"""

import numpy as np
from sklearn.base import clone
from sklearn.frozen import FrozenEstimator
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted

from ._autoencoder import DenseAutoencoder
from ._base import BaseDenseNetwork
from ._networks import (
    build_head,
    chain,
    compile_for_training,
    dense_layer_state,
    dense_stack_from_state,
    dense_stack_state,
    predict,
    with_softmax,
)

#: The reference article's code size, used when no autoencoder is given.
_DEFAULT_LATENT_DIM = 420


def _labelled(y, semi_supervised):
    """Mask of the rows with a label: numeric labels of -1 mark the others."""
    if semi_supervised and y.dtype.kind in "iuf":
        return y != -1
    return np.ones(len(y), dtype=bool)


class BaseLatentClassifier(BaseDenseNetwork):
    """The fitting of `LatentClassifier`, which reads its parameters.

    Not an estimator by itself: it has no parameters of its own (see
    ``BaseAutoencoder``).
    """

    def _fit(self, X, y, sample_weight):
        """Fit the autoencoder if needed, the head, and the fine-tuning."""
        with self._discard_state_on_error():
            (X, y), sample_shape = self._validate_samples(X, y, reset=True)
            sample_weight, X, y = self._check_weights(sample_weight, X, y)
            # Rows labelled -1, scikit-learn's mark of an unlabelled sample,
            # pre-train the autoencoder and are left out of the head.
            labelled = _labelled(y, self.semi_supervised)
            check_classification_targets(y[labelled])
            classes, y_labelled = np.unique(y[labelled], return_inverse=True)
            if len(classes) < 2:
                raise ValueError(
                    "LatentClassifier needs labelled samples of at least 2 "
                    f"classes; got {len(classes)} class"
                    f"{'es' if len(classes) != 1 else ''}: "
                    f"{', '.join(map(repr, classes.tolist())) or 'none'}."
                )
            rng = check_random_state(self.random_state)
            autoencoder = self._fit_autoencoder(X, sample_shape, rng, sample_weight)
            if not labelled.all():
                X = X[labelled]
                sample_weight = (
                    None if sample_weight is None else sample_weight[labelled]
                )
            y = y_labelled
            encoder = dense_stack_from_state(dense_stack_state(autoencoder.encoder_))
            hidden, activation, initial_weights = self._head_layers(autoencoder)
            head = build_head(
                encoder.output_shape[-1],
                hidden,
                len(classes),
                activation=activation,
                seeds=self._draw_seeds(rng, len(hidden) + 1),
                initial_weights=initial_weights,
            )

            rows = self._split_validation(X.shape[0], rng, y)
            # While the encoder is frozen, the head trains on fixed codes.
            compile_for_training(head, "cross_entropy", self.learning_rate_init)
            # The cross-entropy of predicting the class frequencies.
            frequencies = np.bincount(y) / len(y)
            prior_entropy = float(-np.sum(frequencies * np.log(frequencies)))
            history, kept = self._train(
                head,
                predict(encoder, X),
                y,
                rows,
                rng,
                self.epochs,
                prior_entropy,
                sample_weight=sample_weight,
            )
            head_epochs = 0
            if not self.freeze_encoder:
                head_epochs = len(history["loss"])
                classifier = chain(encoder, head, "classifier")
                compile_for_training(
                    classifier, "cross_entropy", self.fine_tune_learning_rate
                )
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
                history.update(
                    (f"fine_tune_{key}", losses) for key, losses in fine_tuned.items()
                )

            self.autoencoder_ = autoencoder
            self._set_networks(encoder_=encoder, head_=with_softmax(head))
            self.classes_ = classes
            self.sample_shape_ = sample_shape
            self.history_ = history
            self.n_iter_ = len(history["loss"]) + len(history.get("fine_tune_loss", ()))
            self._keep_best(kept, head_epochs)
        return self

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
        return autoencoder.fit(
            X.reshape((X.shape[0], *sample_shape)), sample_weight=sample_weight
        )

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
