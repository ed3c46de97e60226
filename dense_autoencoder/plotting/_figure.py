"""The figure and Axes the helpers draw on, and matplotlib's import."""


def import_pyplot():
    """Import matplotlib.pyplot, or say how to install it."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as error:
        raise ImportError(
            "dense_autoencoder.plotting needs matplotlib; install it with "
            'pip install "dense-autoencoder[plotting]".'
        ) from error
    return plt


def new_axes(ax):
    """``ax``, or the Axes of a new figure when it is None."""
    if ax is None:
        _, ax = import_pyplot().subplots()
    return ax


def new_figure(fig, figsize):
    """``fig`` cleared, or a new figure when it is None."""
    if fig is None:
        return import_pyplot().figure(figsize=figsize, layout="constrained")
    fig.clear()
    return fig
