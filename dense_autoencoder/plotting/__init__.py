"""Matplotlib helpers: loss curves, reconstructions, latent codes, code-size sweeps.

Every helper draws on matplotlib's current figure machinery and returns what it
drew on, a :class:`~matplotlib.axes.Axes` or a :class:`~matplotlib.figure.Figure`,
so that the caller can style, save or show it. Helpers that draw on one Axes
take ``ax=``. matplotlib is an optional dependency: install it with
``pip install "dense-autoencoder[plotting]"``.
"""

from ._charts import plot_latent_scatter, plot_latent_sweep, plot_loss_curves
from ._images import code_image_shape, plot_latent_codes, plot_reconstructions

__all__ = [
    "code_image_shape",
    "plot_latent_codes",
    "plot_latent_scatter",
    "plot_latent_sweep",
    "plot_loss_curves",
    "plot_reconstructions",
]
