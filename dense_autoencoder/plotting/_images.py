"""Grids of images on one Figure: reconstructions and latent codes."""

import math
from numbers import Integral

import numpy as np

from ._figure import new_figure

#: A factor pair of the code size is used as the image shape up to this ratio of
#: its sides; beyond it (prime sizes, for example) the code is padded instead.
_MAX_ASPECT = 2


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
    fig = new_figure(fig, figsize=(1.2 * n_images, 3))
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
    fig = new_figure(fig, figsize=(1.4 * n_codes + 1, 2))
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
