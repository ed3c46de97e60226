"""What the estimators share: parameter checks, seeding, training, state."""

import contextlib
import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    validate_data,
)

from . import _persistence
from ._inference import forward, numpy_stack
from ._networks import (
    ACTIVATIONS,
    PREDICT_BATCH_SIZE,
    dense_stack_from_state,
    dense_stack_state,
)
from ._training import train

#: Seeds are drawn below this bound, which every backend accepts.
_MAX_SEED = np.iinfo(np.int32).max


class BaseDenseNetwork(BaseEstimator):
    """Base class for estimators that own Keras networks of Dense layers.

    Subclasses list their fitted Keras models, each built by
    ``_networks.dense_stack``, in ``_keras_attributes``, and set them with
    `_set_networks`. Inference runs in NumPy on copies of their weights. That
    is also how they pickle: the pickled state holds parameters, activation
    names and NumPy weights, no Keras object, and unpickling rebuilds the
    models from them.

    Warning: This class should not be used directly. Use derived classes
    instead.
    """

    _keras_attributes = ()

    _parameter_constraints: dict = {
        "hidden_layer_sizes": [StrOptions({"auto"}), "array-like"],
        "activation": [StrOptions(set(ACTIVATIONS))],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "epochs": [Interval(Integral, 1, None, closed="left")],
        "validation_fraction": [Interval(Real, 0, 1, closed="left")],
        "early_stopping": ["boolean"],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "warm_start": ["boolean"],
        "random_state": ["random_state"],
        "verbose": [Interval(Integral, 0, 2, closed="both"), "boolean"],
    }

    def _validate_samples(self, X, y="no_validation", *, reset):
        """Validate 2-D or n-D samples, and targets if given; flatten the samples.

        Samples may be arrays of any shape, such as images of shape
        ``(n_samples, height, width)``; they are flattened to
        ``(n_samples, n_features)`` before the usual checks, so that
        ``n_features_in_`` counts every value of a sample.

        Returns
        -------
        validated : ndarray or tuple of ndarray
            ``X`` of shape (n_samples, n_features), dtype float32; ``(X, y)``
            when ``y`` is given.
        sample_shape : tuple of int
            The shape of one sample as given.
        """
        sample_shape = None
        if getattr(X, "ndim", 2) > 2:
            sample_shape = tuple(X.shape[1:])
            if not reset and sample_shape != self.sample_shape_:
                raise ValueError(
                    f"X has samples of shape {sample_shape}, but "
                    f"{type(self).__name__} was fitted on samples of shape "
                    f"{self.sample_shape_}."
                )
            X = np.reshape(X, (X.shape[0], -1))
        validated = validate_data(
            self,
            X,
            y,
            reset=reset,
            dtype=np.float32,
            ensure_min_samples=2 if reset else 1,
        )
        return validated, sample_shape or (self.n_features_in_,)

    def _check_hidden_layer_sizes(self):
        """Return the hidden layer widths as a tuple of int; None for ``"auto"``."""
        if isinstance(self.hidden_layer_sizes, str):
            return None
        sizes = tuple(self.hidden_layer_sizes)
        if not all(isinstance(size, Integral) and size >= 1 for size in sizes):
            raise ValueError(
                "hidden_layer_sizes must be 'auto' or a tuple of positive "
                f"integers, got {self.hidden_layer_sizes!r}."
            )
        return tuple(int(size) for size in sizes)

    @staticmethod
    def _check_weights(sample_weight, X, *arrays):
        """Validate ``sample_weight``; drop the rows it gives no weight.

        Rows of weight zero are removed before anything else, so that they
        have no effect at all: the fit is the fit without them. Weights that
        are all one are the same as None.

        Returns
        -------
        sample_weight : ndarray of shape (n_kept,), dtype float32, or None
            The positive weights, or None.
        X, *arrays : ndarray
            The inputs, and any arrays of the same rows, without those rows.
        """
        if sample_weight is None:
            return None, X, *arrays
        sample_weight = _check_sample_weight(
            sample_weight, X, dtype=np.float32, ensure_non_negative=True
        )
        kept = sample_weight > 0
        if kept.sum() < 2:
            raise ValueError(
                "sample_weight must give a positive weight to at least 2 "
                f"samples; got {int(kept.sum())}."
            )
        if not kept.all():
            X, arrays = X[kept], [array[kept] for array in arrays]
        sample_weight = sample_weight[kept]
        if np.all(sample_weight == 1):
            sample_weight = None
        return sample_weight, X, *arrays

    @staticmethod
    def _draw_seeds(rng, n_seeds):
        """One initializer seed per layer, from the estimator's own generator."""
        return rng.randint(_MAX_SEED, size=n_seeds)

    def _split_validation(self, n_samples, rng, y=None):
        """Seeded, shuffled train and validation row indices.

        ``validation_fraction`` of the rows, at least one, are held out. Given
        class labels ``y``, the split is stratified: rows are grouped by class
        in a shuffled order and picked at even intervals, so that each class
        keeps its share.

        Returns
        -------
        train : ndarray of int
            Sorted indices of the training rows.
        validation : ndarray of int or None
            Sorted indices of the validation rows; None when
            ``validation_fraction`` is 0.
        """
        if self.validation_fraction == 0:
            return np.arange(n_samples), None
        n_val = min(n_samples - 1, max(1, round(self.validation_fraction * n_samples)))
        order = rng.permutation(n_samples)
        if y is not None:
            order = order[np.argsort(y[order], kind="stable")]
        is_val = np.zeros(n_samples, dtype=bool)
        is_val[order[np.arange(n_val) * n_samples // n_val]] = True
        return np.flatnonzero(~is_val), np.flatnonzero(is_val)

    def _training_rows(self, n_samples, rng, streaming, y=None):
        """Train and validation rows: all rows, none held out, when streaming.

        Otherwise as `_split_validation` draws them.
        """
        if streaming:
            return np.arange(n_samples), None
        return self._split_validation(n_samples, rng, y)

    def _train(
        self,
        model,
        X,
        Y,
        rows,
        rng,
        epochs,
        trivial_loss,
        rate_param="learning_rate_init",
        sample_weight=None,
        early_stopping=None,
    ):
        """Train a compiled ``model`` with the estimator's settings.

        See `_training.train`. ``rows`` are as `_split_validation` returns
        them; ``rate_param`` names the parameter that set the model's step
        size; ``early_stopping``, when not None, overrides the estimator's:
        ``partial_fit`` makes exactly the one pass it is asked for.
        """
        return train(
            model,
            X,
            Y,
            rows,
            rng,
            epochs=epochs,
            batch_size=self.batch_size,
            trivial_loss=trivial_loss,
            early_stopping=(
                self.early_stopping if early_stopping is None else early_stopping
            ),
            n_iter_no_change=self.n_iter_no_change,
            tol=self.tol,
            step_size=(rate_param, getattr(self, rate_param)),
            sample_weight=sample_weight,
            verbose=int(self.verbose),
        )

    def _extend_history(self, history):
        """Add a continued fit's losses, as `_train` returns them, to ``history_``.

        A loss that the fitted model has not recorded yet, such as
        ``"val_loss"`` after fits without validation, starts with them.
        """
        for key, losses in history.items():
            self.history_[key] = [*self.history_.get(key, ()), *losses]

    def _keep_best(self, kept, epochs_before=0):
        """Set ``best_epoch_`` and ``best_loss_`` from the ``kept`` of `_train`.

        Epochs count along ``history_``: a run that follows ``epochs_before``
        epochs and keeps the weights it started from kept epoch
        ``epochs_before``.
        """
        epoch, loss = kept
        self.best_epoch_ = epochs_before + epoch
        self.best_loss_ = loss

    def _set_networks(self, **models):
        """Set fitted Keras models as attributes, and refresh their NumPy copies.

        The copies of the other models are kept: pass every model that has
        changed, or all of them after a new fit.
        """
        stacks = dict(getattr(self, "_numpy_stacks", {}))
        for name, model in models.items():
            setattr(self, name, model)
            stacks[name] = numpy_stack(dense_stack_state(model))
        self._numpy_stacks = stacks

    def _forward(self, X, *names, last_activation=None):
        """Run the named fitted networks, one after the other, on ``X``.

        NumPy on copies of the weights taken at the end of ``fit``: the same
        outputs as the Keras models, to float32 rounding, at a fraction of the
        cost. ``last_activation``, if given, replaces the activation of the
        last layer (a classifier's softmax by "linear", for its logits).
        """
        layers = [layer for name in names for layer in self._numpy_stacks[name]]
        if last_activation is not None:
            kernel, bias, _ = layers[-1]
            layers[-1] = (kernel, bias, last_activation)
        return forward(layers, X, PREDICT_BATCH_SIZE)

    def save(self, path):
        """Save the estimator, fitted or not, to one file.

        The file is a zip of a JSON description (parameters, fitted
        attributes, the format's version) and of the weights as ``.npy``
        arrays: :func:`dense_autoencoder.load` reads it back without running
        any code from it, unlike a pickle. ``path`` is replaced at once, never
        left half-written.

        Parameters
        ----------
        path : str or path-like
            Where to write; the extension is free (``.dae`` is suggested).

        See Also
        --------
        dense_autoencoder.load : Read the file back.
        export_encoder : The encoder alone, as a standard ``.keras`` model.
        """
        _persistence.save(self, path)

    def export_encoder(self, path):
        """Save the fitted encoder as a standard Keras model.

        The file is Keras's native ``.keras`` format, for serving the encoder
        without this library: ``keras.saving.load_model(path)`` gives a model
        from ``(batch, n_features_in_)`` samples, flattened, to their codes.

        Parameters
        ----------
        path : str or path-like
            Where to write; must end in ``.keras``.

        See Also
        --------
        save : The whole estimator, in this library's format.
        """
        check_is_fitted(self)
        if not str(path).endswith(".keras"):
            raise ValueError(f"path must end in '.keras', got {str(path)!r}.")
        with warnings.catch_warnings():
            # Keras reads each weight with np.array, which under NumPy 2 warns
            # that the weight's __array__ takes no copy keyword
            # (keras-team/keras#21288): a note to Keras, not to our users.
            warnings.filterwarnings(
                "ignore",
                message="__array__ implementation doesn't accept a copy keyword",
                category=DeprecationWarning,
            )
            self.encoder_.save(path)

    @contextlib.contextmanager
    def _discard_state_on_error(self):
        """Leave no half-fitted state behind when ``fit`` fails."""
        try:
            yield
        except BaseException:
            # The attributes that check_is_fitted counts as fitted state.
            fitted = [
                key
                for key in vars(self)
                if key.endswith("_") and not key.startswith("__")
            ]
            for name in fitted:
                delattr(self, name)
            vars(self).pop("_numpy_stacks", None)
            vars(self).pop("_trainer", None)
            raise

    def __getstate__(self):
        # A copy: the default state is the instance's own ``__dict__``.
        state = dict(super().__getstate__())
        # Rebuilt from the Keras models' state: no need to pickle them twice.
        state.pop("_numpy_stacks", None)
        # The compiled training model holds the optimizer's state, a Keras
        # object: a continued fit after unpickling starts a fresh optimizer.
        state.pop("_trainer", None)
        for name in self._keras_attributes:
            if name in state:
                state[name] = dense_stack_state(state[name])
        return state

    def __setstate__(self, state):
        stacks = {}
        for name in self._keras_attributes:
            if name in state:
                stacks[name] = numpy_stack(state[name])
                state[name] = dense_stack_from_state(state[name])
        if stacks:
            state["_numpy_stacks"] = stacks
        super().__setstate__(state)
