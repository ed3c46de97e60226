"""What the estimators share: parameter checks, seeding, training loop, state."""

import contextlib
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
    evaluate_loss,
    progress_bar,
)
from ._tf_workarounds import released_training_graphs

#: Seeds are drawn below this bound, which every backend accepts.
_MAX_SEED = np.iinfo(np.int32).max

#: An epoch's loss this many times above both the starting loss and a trivial
#: model's is divergence: a ReLU network can blow up, kill every unit and
#: settle at a huge but finite loss.
DIVERGENCE_FACTOR = 1e3


class TrainingDivergedError(RuntimeError):
    """Training diverged: a loss that is not finite, or that exploded.

    Raised by ``fit``; the message names the epoch and the loss. Lower
    ``learning_rate_init``, or scale ``X`` (for example with
    :class:`~sklearn.preprocessing.MinMaxScaler`).

    Examples
    --------
    >>> from dense_autoencoder import TrainingDivergedError
    >>> issubclass(TrainingDivergedError, RuntimeError)
    True
    """


def _check_divergence(logs, limit, epoch, rate_param, learning_rate):
    """Raise `TrainingDivergedError` if an epoch's losses are beyond ``limit``."""
    for key, loss in logs.items():
        if not np.isfinite(loss) or loss > limit:
            raise TrainingDivergedError(
                f"Training diverged at epoch {epoch + 1}: the "
                f"{'validation' if key == 'val_loss' else 'training'} loss is "
                f"{float(loss):.4g}, above {limit:.4g}, {DIVERGENCE_FACTOR:g} "
                "times the larger of the starting loss and a trivial model's. "
                f"Lower {rate_param} (now {learning_rate:g}) or scale X, "
                "for example with MinMaxScaler."
            )


class _Best:
    """The best monitored loss so far, its weights, and the epochs since."""

    def __init__(self, loss, weights):
        self.loss, self.weights, self.n_stale = loss, weights, 0

    def update(self, current, model, tol, keep_weights):
        """Record an epoch's loss, and its weights if ``keep_weights``."""
        # Losses are non-negative, so this is a relative improvement of tol.
        self.n_stale = 0 if current < self.loss * (1 - tol) else self.n_stale + 1
        if current < self.loss:
            self.loss = current
            self.weights = model.get_weights() if keep_weights else None


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
        trivial_loss : float
            The loss of a model that ignores its input, such as predicting the
            mean sample. Training has diverged when an epoch's loss is not
            finite, or over ``DIVERGENCE_FACTOR`` times both this and the
            starting loss.
        rate_param : str, default="learning_rate_init"
            The parameter that set the model's step size, for the message
            that divergence raises.
        sample_weight : ndarray of shape (n_samples,), default=None
            Positive weights that scale each sample's loss, in training and in
            validation; as `_check_sample_weight` returns them.
        early_stopping : bool, default=None
            Overrides the estimator's ``early_stopping``: ``partial_fit``
            makes exactly the one pass it is asked for.

        Returns
        -------
        history : dict of str to list of float
            Per-epoch ``"loss"``, and ``"val_loss"`` when validating.

        Raises
        ------
        TrainingDivergedError
            When training diverges; the message names the epoch.
        """
        if early_stopping is None:
            early_stopping = self.early_stopping
        train, val = rows
        weights = (
            (None, None)
            if sample_weight is None
            else (
                sample_weight[train],
                None if val is None else sample_weight[val],
            )
        )
        validation_data = None if val is None else (X[val], Y[val], weights[1])
        X, Y, sample_weight = X[train], Y[train], weights[0]
        # The starting weights compete too: training that only makes an
        # informed initialization worse gives it back.
        best = _Best(
            evaluate_loss(model, *(validation_data or (X, Y, sample_weight))),
            model.get_weights() if early_stopping else None,
        )
        limit = DIVERGENCE_FACTOR * max(best.loss, trivial_loss)
        batch_size = min(self.batch_size, X.shape[0])
        progress = progress_bar(
            model,
            verbose=int(self.verbose),
            epochs=epochs,
            steps=-(-X.shape[0] // batch_size),
        )
        history = {"loss": []}
        progress.on_train_begin()
        with released_training_graphs():
            for epoch in range(epochs):
                logs = self._run_epoch(
                    model,
                    (X, Y, sample_weight),
                    validation_data,
                    rng,
                    batch_size,
                    epoch,
                    progress,
                )
                for key, value in logs.items():
                    history.setdefault(key, []).append(float(value))
                _check_divergence(
                    logs, limit, epoch, rate_param, getattr(self, rate_param)
                )
                current = logs["loss" if validation_data is None else "val_loss"]
                best.update(current, model, self.tol, early_stopping)
                if early_stopping and best.n_stale >= self.n_iter_no_change:
                    break
        progress.on_train_end()
        if best.weights is not None:
            model.set_weights(best.weights)
        return history

    @staticmethod
    def _run_epoch(model, data, validation_data, rng, batch_size, epoch, progress):
        """One pass over the rows in a new order; return the epoch's losses."""
        X, Y, sample_weight = data
        progress.on_epoch_begin(epoch)
        order = rng.permutation(X.shape[0])
        total = 0.0
        for step, start in enumerate(range(0, X.shape[0], batch_size)):
            rows = order[start : start + batch_size]
            weights = None if sample_weight is None else sample_weight[rows]
            loss = model.train_on_batch(X[rows], Y[rows], sample_weight=weights)
            total += loss * len(rows)
            logs = {"loss": total / (start + len(rows))}
            progress.on_train_batch_end(step, logs)
        if validation_data is not None:
            logs["val_loss"] = evaluate_loss(model, *validation_data)
        progress.on_epoch_end(epoch, logs)
        return logs

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
