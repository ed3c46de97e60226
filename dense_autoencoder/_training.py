"""The training loop: seeded epochs, early stopping, divergence checks."""

import numpy as np

from ._networks import TRACES_STEPS, evaluate_loss, progress_bar, set_step_size
from ._tf_workarounds import quiet_retracing_warnings, released_training_graphs

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
    """The best monitored loss so far, its epoch and weights, and epochs since.

    Epoch 0 is the starting weights.
    """

    def __init__(self, loss, weights):
        self.loss, self.weights = loss, weights
        self.epoch = self.n_stale = 0

    def update(self, current, epoch, model, tol, keep_weights):
        """Record an epoch's loss, and its weights if ``keep_weights``."""
        # Losses are non-negative, so this is a relative improvement of tol.
        self.n_stale = 0 if current < self.loss * (1 - tol) else self.n_stale + 1
        if current < self.loss:
            self.loss, self.epoch = current, epoch
            self.weights = model.get_weights() if keep_weights else None


def train(
    model,
    X,
    Y,
    rows,
    rng,
    *,
    epochs,
    batch_size,
    trivial_loss,
    early_stopping,
    n_iter_no_change,
    tol,
    step_size,
    sample_weight=None,
    verbose=0,
):
    """Train a compiled ``model`` on ``(X, Y)``; return its history.

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
        ``(train, validation)`` row indices; ``validation`` may be None.
    rng : numpy.random.RandomState
        Draws the order of the rows in each epoch.
    epochs : int
        Maximum number of epochs.
    batch_size : int
        Most samples per step: each epoch cuts the training rows into the
        fewest batches of at most this many, whose sizes differ by at most
        one.
    trivial_loss : float
        The loss of a model that ignores its input, such as predicting the
        mean sample. Training has diverged when an epoch's loss is not
        finite, or over ``DIVERGENCE_FACTOR`` times both this and the
        starting loss.
    early_stopping : bool
        Whether to stop early and restore the best weights.
    n_iter_no_change : int
        Epochs without improvement before stopping early.
    tol : float
        Relative improvement of the monitored loss that counts as one.
    step_size : tuple of (str, float)
        The parameter that sets the model's step size, and its value: the
        model's optimizer takes this value, keeping its state, and the message
        that divergence raises names both.
    sample_weight : ndarray of shape (n_samples,), default=None
        Positive weights that scale each sample's loss, in training and in
        validation.
    verbose : int, default=0
        Keras's progress bar: 0 silent, 1 a bar per epoch, 2 a line per epoch.

    Returns
    -------
    history : dict of str to list of float
        Per-epoch ``"loss"``, and ``"val_loss"`` when validating.

    kept : tuple of (int, float)
        The epoch whose weights the model ends with, 0 for the starting
        weights, and their monitored loss. Without early stopping, the last
        epoch.

    Raises
    ------
    TrainingDivergedError
        When training diverges; the message names the epoch.
    ValueError
        When the loss of the starting weights is not finite: the values are
        too large for float32.

    Examples
    --------
    >>> import numpy as np
    >>> from dense_autoencoder._networks import compile_for_training, dense_stack
    >>> from dense_autoencoder._training import train
    >>> model = dense_stack(4, (4,), ("linear",), (0,), "model")
    >>> compile_for_training(model, "mean_squared_error", 0.01)
    >>> X = np.random.RandomState(0).rand(64, 4).astype(np.float32)
    >>> history, (epoch, loss) = train(
    ...     model, X, X, (np.arange(64), None), np.random.RandomState(0),
    ...     epochs=3, batch_size=16, trivial_loss=1.0, early_stopping=False,
    ...     n_iter_no_change=1, tol=0.0, step_size=("learning_rate_init", 0.01),
    ... )
    >>> len(history["loss"]), epoch, loss == history["loss"][-1]
    (3, 3, True)
    """
    # A model trained further keeps Adam's moments, at the step size set now.
    set_step_size(model, step_size[1])
    train_rows, val_rows = rows
    weights = (
        (None, None)
        if sample_weight is None
        else (
            sample_weight[train_rows],
            None if val_rows is None else sample_weight[val_rows],
        )
    )
    validation_data = (
        None if val_rows is None else (X[val_rows], Y[val_rows], weights[1])
    )
    X, Y, sample_weight = X[train_rows], Y[train_rows], weights[0]
    # The starting weights compete too: training that only makes an
    # informed initialization worse gives it back.
    best = _Best(
        evaluate_loss(model, *(validation_data or (X, Y, sample_weight))),
        model.get_weights() if early_stopping else None,
    )
    if not np.isfinite(best.loss):
        # No step size can help, and "diverged" would point at one.
        raise ValueError(
            f"The starting weights give a loss of {best.loss:g}, before any "
            "training: the values of X are too large for float32 arithmetic. "
            "Scale X, for example with MinMaxScaler."
        )
    limit = DIVERGENCE_FACTOR * max(best.loss, trivial_loss)
    # The fewest batches of at most batch_size rows, as even as they can be.
    n_steps = -(-X.shape[0] // batch_size)
    progress = progress_bar(model, verbose=verbose, epochs=epochs, steps=n_steps)
    history = {"loss": []}
    progress.on_train_begin()
    with released_training_graphs(), quiet_retracing_warnings():
        for epoch in range(epochs):
            logs = _run_epoch(
                model,
                (X, Y, sample_weight),
                validation_data,
                rng,
                n_steps,
                epoch,
                progress,
            )
            for key, value in logs.items():
                history.setdefault(key, []).append(float(value))
            _check_divergence(logs, limit, epoch, *step_size)
            current = logs["loss" if validation_data is None else "val_loss"]
            best.update(current, epoch + 1, model, tol, early_stopping)
            if early_stopping and best.n_stale >= n_iter_no_change:
                break
    progress.on_train_end()
    if not early_stopping:
        return history, (len(history["loss"]), float(current))
    model.set_weights(best.weights)
    return history, (best.epoch, float(best.loss))


def _run_epoch(model, data, validation_data, rng, n_steps, epoch, progress):
    """One pass over the rows in a new order; return the epoch's losses.

    The rows are cut into ``n_steps`` batches whose sizes differ by at most
    one, the larger first.
    """
    X, Y, sample_weight = data
    progress.on_epoch_begin(epoch)
    batches = np.array_split(rng.permutation(X.shape[0]), n_steps)
    size = len(batches[0])
    total, seen = 0.0, 0
    for step, rows in enumerate(batches):
        batch, weights = _full_batch(rows, sample_weight, size)
        loss = model.train_on_batch(X[batch], Y[batch], sample_weight=weights)
        total, seen = total + loss * len(rows), seen + len(rows)
        logs = {"loss": total / seen}
        progress.on_train_batch_end(step, logs)
    if validation_data is not None:
        logs["val_loss"] = evaluate_loss(model, *validation_data)
    progress.on_epoch_end(epoch, logs)
    return logs


def _full_batch(rows, sample_weight, batch_size):
    """Return ``rows`` filled up to ``batch_size`` rows, and their weights.

    A shorter batch would have another shape, and trace the training
    step a second time (about 0.5 s a fit on TensorFlow). It is filled with
    copies of its rows at weight 0, and its own rows' weights are scaled so
    that its loss is still their mean: Keras divides by every row of a batch.
    Every batch passes weights, since a batch without them would be traced
    apart too. A backend that traces nothing would only pay for the filling.
    """
    weights = (
        np.ones(len(rows), dtype=np.float32)
        if sample_weight is None
        else sample_weight[rows]
    )
    n_filled = batch_size - len(rows)
    if n_filled == 0 or not TRACES_STEPS:
        return rows, weights
    return (
        np.concatenate([rows, np.resize(rows, n_filled)]),
        np.concatenate(
            [
                weights * np.float32(batch_size / len(rows)),
                np.zeros(n_filled, dtype=np.float32),
            ]
        ),
    )
