"""Matplotlib helpers: loss curves, reconstructions, latent codes, code-size sweeps.

Every helper draws on matplotlib's current figure machinery and returns what it
drew on, a :class:`~matplotlib.axes.Axes` or a :class:`~matplotlib.figure.Figure`,
so that the caller can style, save or show it. Helpers that draw on one Axes
take ``ax=``. matplotlib is an optional dependency: install it with
``pip install "dense-autoencoder[plotting]"``.
"""

import math
from numbers import Integral

import numpy as np

__all__ = [
    "code_image_shape",
    "plot_latent_codes",
    "plot_latent_scatter",
    "plot_latent_sweep",
    "plot_loss_curves",
    "plot_reconstructions",
]

#: A factor pair of the code size is used as the image shape up to this ratio of
#: its sides; beyond it (prime sizes, for example) the code is padded instead.
_MAX_ASPECT = 2

_LOSS_NAMES = {
    "DenseAutoencoder": "reconstruction error (MSE)",
    "LatentClassifier": "cross-entropy",
}


def _pyplot():
    """Import matplotlib.pyplot, or say how to install it."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as error:
        raise ImportError(
            "dense_autoencoder.plotting needs matplotlib; install it with "
            'pip install "dense-autoencoder[plotting]".'
        ) from error
    return plt


def _new_axes(ax):
    """``ax``, or the Axes of a new figure when it is None."""
    if ax is None:
        _, ax = _pyplot().subplots()
    return ax


def code_image_shape(n_values):
    """Near-square (rows, columns) to show ``n_values`` values as an image.

    The factor pair of ``n_values`` closest to a square, as the reference
    article shows its 420-value codes as 20 x 21 images. When that pair is
    more than twice as wide as it is high (a prime size, for example), the
    smallest near-square grid that holds the values is returned instead, and
    the values fill it row by row with some cells left over.

    Parameters
    ----------
    n_values : int
        Number of values to show.

    Returns
    -------
    shape : tuple of (int, int)
        Rows and columns; ``rows <= columns`` and ``rows * columns >= n_values``.

    Examples
    --------
    >>> from dense_autoencoder.plotting import code_image_shape
    >>> code_image_shape(420)
    (20, 21)
    >>> code_image_shape(31)
    (6, 6)
    """
    if not isinstance(n_values, Integral) or n_values < 1:
        raise ValueError(f"n_values must be a positive integer, got {n_values!r}.")
    n_values = int(n_values)
    rows = max(r for r in range(1, math.isqrt(n_values) + 1) if n_values % r == 0)
    if n_values // rows <= _MAX_ASPECT * rows:
        return rows, n_values // rows
    rows = math.isqrt(n_values - 1) + 1  # the ceiling of the square root
    return rows, -(-n_values // rows)


def _as_image(values, shape):
    """``values`` laid out row by row in ``shape``; unused cells are NaN."""
    image = np.full(math.prod(shape), np.nan)
    image[: values.size] = values.ravel()
    return image.reshape(shape)


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
    ax = _new_axes(ax)
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


def _image_shape(X, estimator, image_shape):
    """Return the shape to show one sample of ``X`` in."""
    if image_shape is not None:
        return tuple(image_shape)
    if X.ndim == 3:
        return X.shape[1:]
    sample_shape = getattr(estimator, "sample_shape_", ())
    if len(sample_shape) == 2:
        return tuple(sample_shape)
    return code_image_shape(X.shape[1])


def plot_reconstructions(
    estimator, X, *, n_images=10, image_shape=None, cmap="gray", fig=None
):
    """Show images above their reconstructions.

    The reconstruction of each image is
    ``estimator.inverse_transform(estimator.transform(X))``, so any fitted
    transformer with both methods works: a :class:`DenseAutoencoder`, or
    :class:`~sklearn.decomposition.PCA` to compare with.

    Parameters
    ----------
    estimator : fitted transformer
        Has ``transform`` and ``inverse_transform``.

    X : array-like of shape (n_samples, height, width) or (n_samples, n_features)
        Images to encode and decode; the first ``n_images`` are shown.

    n_images : int, default=10
        Number of images to show, at most ``len(X)``.

    image_shape : tuple of (int, int), default=None
        Shape to show a flattened sample in. None takes it from ``X`` when it
        holds images, else from the estimator's ``sample_shape_``, else a
        near-square shape (`code_image_shape`).

    cmap : str, default="gray"
        Matplotlib colormap of the images.

    fig : matplotlib Figure, default=None
        Figure to draw on, cleared first; a new one is made when None.

    Returns
    -------
    fig : matplotlib Figure
        Two rows of ``n_images`` Axes, originals on top. Both images of a pair
        share one colour scale.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import load_digits
    >>> from sklearn.decomposition import PCA
    >>> from dense_autoencoder.plotting import plot_reconstructions
    >>> X = load_digits().images.reshape(-1, 64) / 16
    >>> fig = plot_reconstructions(PCA(8).fit(X), X, n_images=4, image_shape=(8, 8))
    >>> len(fig.axes)
    8
    """
    X = np.asarray(X)
    n_images = min(int(n_images), X.shape[0])
    if n_images < 1:
        raise ValueError(f"n_images must be at least 1, got {n_images}.")
    shape = _image_shape(X, estimator, image_shape)
    originals = X[:n_images]
    reconstructed = np.asarray(
        estimator.inverse_transform(estimator.transform(originals))
    )
    fig = _new_figure(fig, figsize=(1.2 * n_images, 3))
    axes = fig.subplots(2, n_images, squeeze=False)
    for column in range(n_images):
        pair = (originals[column], reconstructed[column])
        low = min(float(np.min(image)) for image in pair)
        high = max(float(np.max(image)) for image in pair)
        for row, image in enumerate(pair):
            ax = axes[row, column]
            ax.imshow(_as_image(image, shape), cmap=cmap, vmin=low, vmax=high)
            ax.set_xticks([])
            ax.set_yticks([])
    axes[0, 0].set_ylabel("original")
    axes[1, 0].set_ylabel("reconstructed")
    fig.suptitle(f"Reconstructions by {type(estimator).__name__}")
    return fig


def _new_figure(fig, figsize):
    """``fig`` cleared, or a new figure when it is None."""
    if fig is None:
        return _pyplot().figure(figsize=figsize, layout="constrained")
    fig.clear()
    return fig


def plot_latent_codes(codes, *, n_codes=10, code_shape=None, cmap="viridis", fig=None):
    """Show latent codes as images, one per sample.

    Each code of ``latent_dim`` values is laid out row by row in a
    near-square image, as the reference article shows its 420-value codes as
    20 x 21 images. All codes share one colour scale, shown by a colour bar.

    Parameters
    ----------
    codes : array-like of shape (n_samples, latent_dim)
        Codes, such as ``autoencoder.transform(X)``; the first ``n_codes``
        are shown.

    n_codes : int, default=10
        Number of codes to show, at most ``len(codes)``.

    code_shape : tuple of (int, int), default=None
        Rows and columns of each image. None picks
        ``code_image_shape(latent_dim)``; cells past the last value are left
        blank.

    cmap : str, default="viridis"
        Matplotlib colormap.

    fig : matplotlib Figure, default=None
        Figure to draw on, cleared first; a new one is made when None.

    Returns
    -------
    fig : matplotlib Figure
        One Axes per code, and the colour bar's.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from dense_autoencoder.plotting import plot_latent_codes
    >>> fig = plot_latent_codes(np.random.RandomState(0).rand(5, 420), n_codes=3)
    >>> fig.axes[0].images[0].get_array().shape
    (20, 21)
    """
    codes = np.asarray(codes, dtype=np.float64)
    if codes.ndim != 2:
        raise ValueError(
            f"codes must be 2-D (n_samples, latent_dim), got shape {codes.shape}."
        )
    n_codes = min(int(n_codes), codes.shape[0])
    if n_codes < 1:
        raise ValueError(f"n_codes must be at least 1, got {n_codes}.")
    shape = code_image_shape(codes.shape[1]) if code_shape is None else code_shape
    if math.prod(shape) < codes.shape[1]:
        raise ValueError(
            f"code_shape {tuple(shape)} has {math.prod(shape)} cells, fewer than "
            f"the {codes.shape[1]} values of a code."
        )
    shown = codes[:n_codes]
    fig = _new_figure(fig, figsize=(1.4 * n_codes + 1, 2))
    axes = fig.subplots(1, n_codes, squeeze=False)[0]
    low, high = float(shown.min()), float(shown.max())
    for ax, code in zip(axes, shown, strict=True):
        image = ax.imshow(_as_image(code, shape), cmap=cmap, vmin=low, vmax=high)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.colorbar(image, ax=list(axes), shrink=0.8)
    fig.suptitle(
        f"Latent codes: {codes.shape[1]} values as {shape[0]} x {shape[1]} images"
    )
    return fig


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
    ax = _new_axes(ax)
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

    ax = _new_axes(ax)
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
