"""The fixed cost of a fit: small data and few epochs, as in a grid search.

On scikit-learn's digits (1,347 training rows of 64 pixels), prints the fit
time of ``DenseAutoencoder(16)`` and of ``LatentClassifier`` on it, for 1 and
10 epochs, beside ``PCA(16)`` and networks of the same shape written in plain
Keras and trained with ``fit`` at our defaults' batch sizes and validation
splits (the autoencoder: batches of 256, a tenth held out for validation; the
head: batches of 32, no validation). At 1 epoch the time is mostly building
the networks and tracing their training steps, which every fit pays again.

Times are medians over repeats. Run from the repository root::

    python benchmarks/bench_fit_cost.py [--repeats 5]
"""

import argparse

import keras
from _common import article_autoencoder, digits_split, median_time, print_table
from sklearn.decomposition import PCA

from dense_autoencoder import DenseAutoencoder, LatentClassifier

LATENT_DIM = 16
CROSS_ENTROPY = keras.losses.SparseCategoricalCrossentropy(from_logits=True)


def keras_fit(build, X, Y, epochs, estimator):
    """Build a plain Keras model and train it with ``fit`` as ``estimator`` would.

    ``estimator`` gives the batch size and the share held out for validation.
    """
    build().fit(
        X,
        Y,
        epochs=epochs,
        batch_size=estimator.batch_size,
        validation_split=estimator.validation_fraction,
        verbose=0,
    )


def main():
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    X, _, y, _ = digits_split()
    n_features, n_classes = X.shape[1], len(set(y))

    fits = {
        f"PCA({LATENT_DIM})": lambda epochs: PCA(LATENT_DIM).fit(X),
        f"DenseAutoencoder({LATENT_DIM})": lambda epochs: DenseAutoencoder(
            LATENT_DIM, epochs=epochs, random_state=0
        ).fit(X),
        "its shape in plain Keras": lambda epochs: keras_fit(
            lambda: article_autoencoder(n_features, LATENT_DIM),
            X,
            X,
            epochs,
            DenseAutoencoder(),
        ),
        f"LatentClassifier(DenseAutoencoder({LATENT_DIM}))": lambda epochs: (
            LatentClassifier(
                DenseAutoencoder(LATENT_DIM, epochs=epochs),
                epochs=epochs,
                random_state=0,
            ).fit(X, y)
        ),
        "its shape in plain Keras, both fits": lambda epochs: (
            keras_fit(
                lambda: article_autoencoder(n_features, LATENT_DIM),
                X,
                X,
                epochs,
                DenseAutoencoder(),
            ),
            keras_fit(
                lambda: article_autoencoder(
                    n_features, LATENT_DIM, n_classes, CROSS_ENTROPY
                ),
                X,
                y,
                epochs,
                LatentClassifier(),
            ),
        ),
    }
    rows = [
        [name]
        + [
            f"{median_time(lambda f=fit, e=epochs: f(e), args.repeats):.2f}"
            for epochs in (1, 10)
        ]
        for name, fit in fits.items()
    ]
    print_table(
        "Fit time on the digits (s)",
        ["model", "1 epoch", "10 epochs"],
        rows,
    )


if __name__ == "__main__":
    main()
