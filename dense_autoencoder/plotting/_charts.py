"""Charts on one Axes: loss curves, latent scatter, latent-size sweeps."""

import numpy as np

from ._figure import new_axes

_LOSS_NAMES = {
    "DenseAutoencoder": "reconstruction error (MSE)",
    "LatentClassifier": "cross-entropy",
}


def plot_loss_curves(estimator, *, ax=None):
    """Plot the training and validation loss of each epoch.

    Draws the curves of ``history_``: the training loss and, when the
    estimator validated, the validation loss. A :class:`LatentClassifier`
    fine-tuned with ``freeze_encoder=False`` has its fine-tuning epochs drawn
    after the head's, dashed. A star marks the weights the estimator kept,
    at ``best_epoch_`` and ``best_loss_``: at epoch 0 when early stopping
    gave back the starting weights, such as the PCA start, which no curve
    shows.

    Parameters
    ----------
    estimator : DenseAutoencoder, LatentClassifier or dict
        A fitted estimator, or a history dictionary such as its ``history_``
        or the ``history`` of a Keras ``fit``.

    ax : matplotlib Axes, default=None
        Axes to draw on; a new figure is made when None.

    Returns
    -------
    ax : matplotlib Axes
        The Axes drawn on: one line per curve, labelled, with a legend.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from dense_autoencoder.plotting import plot_loss_curves
    >>> ax = plot_loss_curves({"loss": [0.5, 0.3, 0.2], "val_loss": [0.6, 0.4, 0.35]})
    >>> [line.get_label() for line in ax.get_lines()]
    ['training', 'validation']
    """
    history = getattr(estimator, "history_", estimator)
    if not isinstance(history, dict) or not history.get("loss"):
        raise ValueError(
            "plot_loss_curves needs a fitted estimator or a history dict with a "
            f"non-empty 'loss' list; got {estimator!r}."
        )
    ax = new_axes(ax)
    n_head_epochs = len(history["loss"])
    curves = [
        ("loss", "training", "-", 1),
        ("val_loss", "validation", "-", 1),
        ("fine_tune_loss", "fine-tuning, training", "--", n_head_epochs + 1),
        ("fine_tune_val_loss", "fine-tuning, validation", "--", n_head_epochs + 1),
    ]
    for key, label, style, first_epoch in curves:
        losses = history.get(key)
        if losses:
            epochs = np.arange(first_epoch, first_epoch + len(losses))
            ax.plot(epochs, losses, style, label=label)
    if hasattr(estimator, "best_epoch_"):
        ax.plot(
            [estimator.best_epoch_],
            [estimator.best_loss_],
            "*",
            markersize=12,
            label=f"kept weights (epoch {estimator.best_epoch_})",
        )
    ax.set_xlabel("epoch")
    ax.set_ylabel(_LOSS_NAMES.get(type(estimator).__name__, "loss"))
    ax.set_title("Loss curves")
    ax.legend()
    return ax


def plot_latent_scatter(codes, y=None, *, dims=(0, 1), ax=None):
    """Scatter two latent dimensions of each sample, coloured by label.

    Parameters
    ----------
    codes : array-like of shape (n_samples, latent_dim)
        Codes, such as ``autoencoder.transform(X)``, with ``latent_dim >= 2``.

    y : array-like of shape (n_samples,), default=None
        Labels; each class gets its own colour and legend entry. None draws
        every sample alike.

    dims : tuple of (int, int), default=(0, 1)
        The two latent dimensions on the x and y axes.

    ax : matplotlib Axes, default=None
        Axes to draw on; a new figure is made when None.

    Returns
    -------
    ax : matplotlib Axes
        One scatter collection per class, in the order of ``np.unique(y)``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from dense_autoencoder.plotting import plot_latent_scatter
    >>> codes = np.random.RandomState(0).rand(6, 2)
    >>> ax = plot_latent_scatter(codes, ["a", "b", "a", "b", "c", "c"])
    >>> len(ax.collections)
    3
    """
    codes = np.asarray(codes)
    if codes.ndim != 2 or codes.shape[1] < 2:
        raise ValueError(
            "codes must be 2-D with at least 2 latent dimensions, got shape "
            f"{codes.shape}."
        )
    first, second = dims
    if not all(0 <= dim < codes.shape[1] for dim in dims) or first == second:
        raise ValueError(
            f"dims must be two different latent dimensions in [0, "
            f"{codes.shape[1] - 1}], got {tuple(dims)}."
        )
    ax = new_axes(ax)
    if y is None:
        ax.scatter(codes[:, first], codes[:, second], s=12)
    else:
        y = np.asarray(y)
        for label in np.unique(y):
            members = y == label
            ax.scatter(
                codes[members, first], codes[members, second], s=12, label=str(label)
            )
        ax.legend(title="label")
    ax.set_xlabel(f"latent dimension {first}")
    ax.set_ylabel(f"latent dimension {second}")
    ax.set_title("Latent space")
    return ax


def plot_latent_sweep(search, *, param=None, ax=None):
    """Plot a search's mean test score against the latent size.

    Parameters
    ----------
    search : GridSearchCV or dict
        A fitted search, or its ``cv_results_``.

    param : str, default=None
        The ``cv_results_`` key of the latent size, such as
        ``"param_autoencoder__latent_dim"``. None finds the one parameter whose
        name ends in ``latent_dim``.

    ax : matplotlib Axes, default=None
        Axes to draw on; a new figure is made when None.

    Returns
    -------
    ax : matplotlib Axes
        The test score's mean over folds with one standard deviation as error
        bars and, when the search kept them, the training scores. Where other
        parameters vary too, each latent size shows its best candidate. The
        best latent size is marked.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from dense_autoencoder.plotting import plot_latent_sweep
    >>> results = {
    ...     "param_latent_dim": [8, 16, 32],
    ...     "mean_test_score": [-0.03, -0.02, -0.015],
    ...     "std_test_score": [0.002, 0.001, 0.001],
    ... }
    >>> ax = plot_latent_sweep(results)
    >>> ax.get_lines()[0].get_xdata().tolist()
    [8, 16, 32]
    """
    results = getattr(search, "cv_results_", search)
    param = _latent_param(results) if param is None else param
    if param not in results:
        raise ValueError(f"param {param!r} is not a key of cv_results_.")
    sizes = np.asarray(results[param], dtype=float)
    means = np.asarray(results["mean_test_score"], dtype=float)
    best_rows = []
    for size in np.unique(sizes):
        rows = np.flatnonzero(sizes == size)
        best_rows.append(rows[np.nanargmax(means[rows])] if rows.size > 1 else rows[0])
    best_rows = np.asarray(best_rows)
    x = sizes[best_rows].astype(int)

    ax = new_axes(ax)
    ax.errorbar(
        x,
        means[best_rows],
        yerr=np.asarray(results["std_test_score"], dtype=float)[best_rows],
        marker="o",
        capsize=3,
        label="test",
    )
    if "mean_train_score" in results:
        train = np.asarray(results["mean_train_score"], dtype=float)[best_rows]
        ax.plot(x, train, "s--", label="training")
    best = np.nanargmax(means[best_rows])
    ax.plot(x[best], means[best_rows][best], "r*", markersize=14, label="best")
    if x.max() >= 8 * x.min():
        ax.set_xscale("log", base=2)
    ax.set_xticks(x, [str(size) for size in x])
    ax.set_xlabel(param.removeprefix("param_"))
    ax.set_ylabel("mean score over folds")
    ax.set_title("Score against latent size")
    ax.legend()
    return ax


def _latent_param(results):
    """Find the one ``cv_results_`` key of a parameter ending in ``latent_dim``."""
    keys = [
        key
        for key in results
        if key.startswith("param_") and key.endswith("latent_dim")
    ]
    if len(keys) != 1:
        raise ValueError(
            "Pass param=: cv_results_ has "
            f"{len(keys)} parameters ending in 'latent_dim' ({keys})."
        )
    return keys[0]
