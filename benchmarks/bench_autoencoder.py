"""DenseAutoencoder's held-out reconstruction error and fit time, beside PCA's.

On the article's LFW split (855 training, 285 test faces of 62 x 47) and on
scikit-learn's digits (75/25, random_state=0), prints the test mean squared
error of ``DenseAutoencoder(k)`` with its defaults and of ``PCA(k)``, with fit
times. On LFW at the article's k=420 it also trains the article's recipe in
plain Keras (ReLU code, Adam, batch 32, 100 epochs, validation_split=0.33).
Runs of ours and of the recipe are repeated over seeds: median [range]. Run
from the repository root::

    python benchmarks/bench_autoencoder.py [--seeds 3] [--data-home PATH]
"""

import argparse
import time

import keras
import numpy as np
from _common import (
    article_autoencoder,
    default_data_home,
    digits_split,
    lfw_split,
    print_table,
    reconstruction_error,
    round_trip_error,
)
from sklearn.decomposition import PCA

from dense_autoencoder import DenseAutoencoder


def timed(function):
    """Return ``function()`` and its wall time in seconds."""
    start = time.perf_counter()
    result = function()
    return result, time.perf_counter() - start


def ours(X_train, X_test, k, seed):
    """Held-out MSE and fit time of the defaults."""
    autoencoder, seconds = timed(
        lambda: DenseAutoencoder(k, random_state=seed).fit(X_train)
    )
    return round_trip_error(autoencoder, X_test), seconds


def pca(X_train, X_test, k):
    """Held-out MSE and fit time of PCA."""
    model, seconds = timed(lambda: PCA(k).fit(X_train))
    return round_trip_error(model, X_test), seconds


def article_recipe(X_train, X_test, seed):
    """Train the article's autoencoder in plain Keras: held-out MSE, fit time."""
    keras.utils.set_random_seed(seed)
    n_features = X_train.shape[1]
    model = article_autoencoder(n_features)
    _, seconds = timed(
        lambda: model.fit(
            X_train,
            X_train,
            epochs=100,
            batch_size=32,
            validation_split=0.33,
            verbose=0,
        )
    )
    return (
        reconstruction_error(lambda X: model.predict(X, verbose=0), X_test),
        seconds,
    )


def summary(values, digits):
    """Median [min, max] of values."""
    values = np.asarray(values)
    return (
        f"{np.median(values):.{digits}f} "
        f"[{values.min():.{digits}f}, {values.max():.{digits}f}]"
    )


def main():
    """Print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--data-home", default=None)
    args = parser.parse_args()
    faces_train, faces_test, _, _ = lfw_split(args.data_home or default_data_home())
    digits_train, digits_test, _, _ = digits_split()
    datasets = {
        "LFW": (
            faces_train.reshape(len(faces_train), -1),
            faces_test.reshape(len(faces_test), -1),
            (32, 64, 420),
        ),
        # k=64 is every pixel of a digit, where both are exact.
        "digits": (digits_train, digits_test, (8, 16, 32)),
    }
    seeds = range(args.seeds)
    rows = []
    for name, (X_train, X_test, sizes) in datasets.items():
        for k in sizes:
            runs = np.array([ours(X_train, X_test, k, seed) for seed in seeds])
            pca_error, pca_seconds = pca(X_train, X_test, k)
            rows.append(
                [
                    name,
                    k,
                    f"{pca_error:.5f}",
                    summary(runs[:, 0], 5),
                    f"{np.median(runs[:, 0]) / pca_error:.3f}",
                    f"{pca_seconds:.2f}",
                    f"{np.median(runs[:, 1]):.1f}",
                ]
            )
    print_table(
        f"Held-out MSE, DenseAutoencoder(k) defaults beside PCA(k); {args.seeds} seeds",
        ["data", "k", "PCA MSE", "ours MSE", "ours / PCA", "PCA fit s", "ours fit s"],
        rows,
    )

    X_train, X_test, _ = datasets["LFW"]
    recipe = np.array([article_recipe(X_train, X_test, seed) for seed in seeds])
    runs = np.array([ours(X_train, X_test, 420, seed) for seed in seeds])
    print_table(
        f"LFW, k=420: the article's recipe in plain Keras beside ours; {args.seeds} "
        "seeds",
        ["model", "test MSE", "fit time s", "speed-up"],
        [
            [
                "article's recipe",
                summary(recipe[:, 0], 5),
                summary(recipe[:, 1], 1),
                "1.0",
            ],
            [
                "DenseAutoencoder(420)",
                summary(runs[:, 0], 5),
                summary(runs[:, 1], 1),
                f"{np.median(recipe[:, 1]) / np.median(runs[:, 1]):.1f}",
            ],
        ],
    )


if __name__ == "__main__":
    main()
