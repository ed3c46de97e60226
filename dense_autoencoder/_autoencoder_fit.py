"""How a DenseAutoencoder fits: where its networks start, and how they train.

``_autoencoder`` holds the scikit-learn contract (parameters, ``fit``,
``partial_fit``, ``transform`` ...); this module, the work behind ``fit`` and
``partial_fit``: centring, the PCA start, the validation rows and the calls to
the training loop, for new networks or for fitted ones trained further.
"""

import numpy as np
from sklearn.utils import check_random_state

from ._base import BaseDenseNetwork
from ._blas import one_blas_thread
from ._networks import (
    build_autoencoder,
    compile_for_training,
    reconstruction_loss,
    shift_inputs,
    training_model,
    training_regularization,
)
from ._pca_init import check_pca_start, start_from_pca


def _centre(X, sample_weight, rows=None):
    """Return the (weighted) mean of ``rows`` of ``X``, or all, and ``X`` less it.

    The mean is float64; the centred samples, all of them, float32.
    """
    if rows is not None:
        X_rows = X[rows]
        sample_weight = None if sample_weight is None else sample_weight[rows]
    else:
        X_rows = X
    if sample_weight is None:
        mean = X_rows.mean(axis=0, dtype=np.float64)
    else:
        mean = np.average(X_rows.astype(np.float64), axis=0, weights=sample_weight)
    return mean, (X - mean).astype(np.float32)


def _mean_square(values):
    """Return the mean of the squares of ``values``, summed in float64.

    Summed in float32, the squares of values of about 1e17 and up overflow.
    """
    flat = values.ravel()
    return float(np.einsum("i,i->", flat, flat, dtype=np.float64)) / max(flat.size, 1)


class BaseAutoencoder(BaseDenseNetwork):
    """The fitting of `DenseAutoencoder`, which reads its parameters.

    Not an estimator by itself: it has no parameters of its own, as
    scikit-learn's ``BaseMultilayerPerceptron`` holds the fitting of its two
    estimators. Both methods set the fitted attributes; an error in training
    leaves none of them behind.
    """

    def _fit_new(self, X, sample_weight, *, epochs, streaming):
        """Build, start and train new networks; ``streaming`` for partial_fit."""
        with self._discard_state_on_error():
            X, sample_shape = self._validate_samples(X, reset=True)
            sample_weight, X = self._check_weights(sample_weight, X)
            hidden = self._check_hidden_layer_sizes()
            if hidden is None:
                hidden = (max(X.shape[1] // 2, self.latent_dim),)
            from_pca = check_pca_start(
                self.init,
                self.activation,
                self.latent_activation,
                self.output_activation,
            )
            rng = check_random_state(self.random_state)
            seeds = self._draw_seeds(rng, 2 * len(hidden) + 2)
            noise_seed = self._noise_seed(rng)
            rows = self._training_rows(X.shape[0], rng, streaming)
            # With rows held out, the mean and the PCA start come from the
            # training rows alone: the validation rows judge the start unseen,
            # as they judge every epoch.
            fit_rows = rows[0] if rows[1] is not None else None
            # Centred inputs condition training far better; the mean is folded
            # into the encoder afterwards, so that it takes X as it comes.
            mean, centred = _centre(X, sample_weight, fit_rows)
            encoder, decoder, autoencoder = build_autoencoder(
                X.shape[1],
                hidden,
                self.latent_dim,
                activation=self.activation,
                latent_activation=self.latent_activation,
                output_activation=self.output_activation,
                seeds=seeds,
                output_bias=mean if self.output_activation == "linear" else None,
                noise=self.noise,
                noise_seed=noise_seed,
                latent_l1=self.latent_l1,
            )
            if from_pca:
                self._start_from_pca(
                    autoencoder, centred, mean, hidden, rng, sample_weight, fit_rows
                )
            compile_for_training(
                autoencoder,
                reconstruction_loss(self.latent_l1),
                self.learning_rate_init,
            )
            history, kept = self._train(
                autoencoder,
                self._with_noisy_validation(centred, rows[1], rng),
                X,
                rows,
                rng,
                epochs,
                # The error of predicting the mean sample: a trivial model's.
                _mean_square(centred),
                sample_weight=sample_weight,
                early_stopping=None if not streaming else False,
            )
            if from_pca and fit_rows is not None and kept[0] == 0:
                # No epoch beat the start on unseen rows: PCA of every row,
                # as PCA itself would be fitted, is the better start to keep.
                mean, centred = _centre(X, sample_weight)
                self._start_from_pca(
                    autoencoder, centred, mean, hidden, rng, sample_weight
                )
            with one_blas_thread():
                shift_inputs(encoder, mean)

            self._set_networks(encoder_=encoder, decoder_=decoder)
            # Shares the networks' layers, which now take X as it comes.
            self._trainer = autoencoder
            self.hidden_layer_sizes_ = hidden
            self.sample_shape_ = sample_shape
            self.history_ = history
            self.n_iter_ = len(history["loss"])
            self._keep_best(kept)
        return self

    def _continue(self, X, sample_weight, *, epochs, streaming):
        """Train the fitted networks further on ``X``, from where they are."""
        # Bad input is refused before training, and leaves the model as it was.
        X, _ = self._validate_samples(X, reset=False)
        sample_weight, X = self._check_weights(sample_weight, X)
        with self._discard_state_on_error():
            rng = check_random_state(self.random_state)
            trainer = getattr(self, "_trainer", None)
            # The model kept from the last fit trains with that fit's noise
            # and penalty; new ones get a new model on the same layers, which
            # goes on with the kept optimizer's state.
            regularization = (self.noise, self.latent_l1)
            if trainer is None or training_regularization(trainer) != regularization:
                previous = trainer
                trainer = training_model(
                    self.encoder_,
                    self.decoder_,
                    noise=self.noise,
                    noise_seed=self._noise_seed(rng),
                    latent_l1=self.latent_l1,
                )
                compile_for_training(
                    trainer,
                    reconstruction_loss(self.latent_l1),
                    self.learning_rate_init,
                    optimizer=None if previous is None else previous.optimizer,
                )
            rows = self._training_rows(X.shape[0], rng, streaming)
            # The networks take X as it comes: the mean is in the first bias.
            spread = float(np.mean(np.var(X, axis=0)))
            inputs = self._with_noisy_validation(X, rows[1], rng)
            history, kept = self._train(
                trainer,
                inputs,
                X,
                rows,
                rng,
                epochs,
                spread,
                sample_weight=sample_weight,
                early_stopping=None if not streaming else False,
            )
            self._set_networks(encoder_=self.encoder_, decoder_=self.decoder_)
            self._trainer = trainer
            self._extend_history(history)
            self._keep_best(kept, self.n_iter_)
            self.n_iter_ += len(history["loss"])
        return self

    def _noise_seed(self, rng):
        """Draw the training noise's seed, only if there is noise.

        Fits without noise then keep the seeds they had.
        """
        return self._draw_seeds(rng, 1)[0] if self.noise else None

    def _with_noisy_validation(self, inputs, val, rng):
        """Add ``noise``, drawn once, to the validation rows of ``inputs``.

        Validation then asks what training asks: clean samples back from
        noisy ones. Return ``inputs`` as they are without noise or validation
        rows; otherwise a noisy copy, since ``inputs`` may be the caller's
        array or be needed clean again.
        """
        if not self.noise or val is None:
            return inputs
        inputs = inputs.copy()
        inputs[val] += self.noise * rng.standard_normal(
            (len(val), inputs.shape[1])
        ).astype(np.float32)
        return inputs

    def _start_from_pca(
        self, autoencoder, centred, mean, hidden, rng, sample_weight, rows=None
    ):
        """Start ``autoencoder`` from PCA of ``rows`` of ``centred``, or all.

        The linear path is as wide as the code, the narrowest hidden layer and
        the rank of the data allow.
        """
        if rows is not None:
            centred = centred[rows]
            sample_weight = None if sample_weight is None else sample_weight[rows]
        with one_blas_thread():
            start_from_pca(
                autoencoder,
                centred,
                mean,
                min(self.latent_dim, *hidden, *centred.shape),
                rng,
                sample_weight,
                latent_activation=self.latent_activation,
            )
