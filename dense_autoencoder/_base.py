"""What the estimators share: parameter checks, seeding, training loop, state."""

import contextlib
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import validate_data

from ._inference import forward, numpy_stack
from ._networks import (
    ACTIVATIONS,
    PREDICT_BATCH_SIZE,
    dense_stack_from_state,
    dense_stack_state,
    evaluate_loss,
    progress_bar,
)

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

    def _train(self, model, X, Y, rows, rng, epochs):
        """Train a compiled ``model`` on ``(X, Y)`` with the estimator's settings.

        Each epoch visits the training rows in an order drawn from ``rng``:
        Keras's own shuffling uses an unseeded TensorFlow op. With
        ``early_stopping``, training stops once the monitored loss (validation
        loss if validating, else training loss) has not improved by a relative
        ``tol`` for ``n_iter_no_change`` epochs, and the weights of the best
        epoch, or the starting weights if no epoch beat them, are restored.

        Parameters
        ----------
        model : keras.Model
            A compiled model.
        X, Y : ndarray
            Inputs and targets, training and validation rows together.
        rows : tuple
            ``(train, validation)`` row indices, as `_split_validation` returns
            them; ``validation`` may be None.
        rng : numpy.random.RandomState
            Draws the order of the rows in each epoch.
        epochs : int
            Maximum number of epochs.

        Returns
        -------
        history : dict of str to list of float
            Per-epoch ``"loss"``, and ``"val_loss"`` when validating.
        """
        train, val = rows
        validation_data = None if val is None else (X[val], Y[val])
        X, Y = X[train], Y[train]
        n_samples = X.shape[0]
        batch_size = min(self.batch_size, n_samples)
        n_batches = -(-n_samples // batch_size)
        monitor = "loss" if validation_data is None else "val_loss"
        history = {"loss": []}
        progress = progress_bar(
            model, verbose=int(self.verbose), epochs=epochs, steps=n_batches
        )
        best_loss, best_weights, n_stale = np.inf, None, 0
        if self.early_stopping:
            # The starting weights compete too: training that only makes an
            # informed initialization worse gives it back.
            best_weights = model.get_weights()
            best_loss = evaluate_loss(model, *(validation_data or (X, Y)))
        progress.on_train_begin()
        for epoch in range(epochs):
            progress.on_epoch_begin(epoch)
            order = rng.permutation(n_samples)
            total = 0.0
            for step, start in enumerate(range(0, n_samples, batch_size)):
                rows = order[start : start + batch_size]
                total += model.train_on_batch(X[rows], Y[rows]) * len(rows)
                logs = {"loss": total / (start + len(rows))}
                progress.on_train_batch_end(step, logs)
            if validation_data is not None:
                logs["val_loss"] = evaluate_loss(model, *validation_data)
            for key, value in logs.items():
                history.setdefault(key, []).append(float(value))
            progress.on_epoch_end(epoch, logs)

            current = logs[monitor]
            # Losses are non-negative, so this is a relative improvement of tol.
            n_stale = 0 if current < best_loss * (1 - self.tol) else n_stale + 1
            if current < best_loss:
                best_loss = current
                best_weights = model.get_weights() if self.early_stopping else None
            if self.early_stopping and n_stale >= self.n_iter_no_change:
                break
        progress.on_train_end()
        if best_weights is not None:
            model.set_weights(best_weights)
        return history

    def _set_networks(self, **models):
        """Set fitted Keras models as attributes, and their NumPy copies."""
        for name, model in models.items():
            setattr(self, name, model)
        self._numpy_stacks = {
            name: numpy_stack(dense_stack_state(getattr(self, name)))
            for name in self._keras_attributes
        }

    def _forward(self, X, *names):
        """Run the named fitted networks, one after the other, on ``X``.

        NumPy on copies of the weights taken at the end of ``fit``: the same
        outputs as the Keras models, to float32 rounding, at a fraction of the
        cost.
        """
        layers = [layer for name in names for layer in self._numpy_stacks[name]]
        return forward(layers, X, PREDICT_BATCH_SIZE)

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
            raise

    def __getstate__(self):
        # A copy: the default state is the instance's own ``__dict__``.
        state = dict(super().__getstate__())
        # Rebuilt from the Keras models' state: no need to pickle them twice.
        state.pop("_numpy_stacks", None)
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
