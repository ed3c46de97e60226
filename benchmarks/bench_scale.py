"""How the estimators' results depend on the units of X, and what scaling does.

On scikit-learn's digits (75/25, random_state=0), scaled to [0, 1] and then
multiplied by a constant, prints the test mean squared error of
``DenseAutoencoder(16)`` relative to ``PCA(16)`` (a ratio, so that the units
cancel), the epoch whose weights the autoencoder kept (0: its PCA start), and
the test accuracy of ``LatentClassifier()``; then the same with a
``MinMaxScaler`` in front, which gives every multiple the same figures. The
pixels constant on the training digits are left out: ``MinMaxScaler`` leaves
such features in the units of X, so that at small multiples a reconstruction
error on them counts a multiple's inverse too much. Medians over seeds. Run
from the repository root::

    python benchmarks/bench_scale.py [--seeds 3]
"""

import argparse

import numpy as np
from _common import digits_split, print_table, round_trip_error
from sklearn.decomposition import PCA
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler

from dense_autoencoder import DenseAutoencoder, LatentClassifier, TrainingDivergedError

MULTIPLES = (1e-4, 1e-2, 1e-1, 1.0, 1e2, 1e4)


def relative_error(X_train, X_test, scaler, seed):
    """Test MSE of ``DenseAutoencoder(16)`` over PCA(16)'s, and its kept epoch."""
    autoencoder = DenseAutoencoder(16, random_state=seed)
    model = make_pipeline(MinMaxScaler(), autoencoder) if scaler else autoencoder
    model.fit(X_train)
    pca = PCA(16).fit(X_train)
    ratio = round_trip_error(model, X_test) / round_trip_error(pca, X_test)
    return ratio, autoencoder.best_epoch_


def accuracy(X_train, X_test, y_train, y_test, scaler, seed):
    """Test accuracy of ``LatentClassifier()``."""
    classifier = LatentClassifier(random_state=seed)
    model = make_pipeline(MinMaxScaler(), classifier) if scaler else classifier
    return model.fit(X_train, y_train).score(X_test, y_test)


def median_or_diverged(function, seeds, *args):
    """Median of ``function(*args, seed)`` over seeds, or "diverged" if any does."""
    try:
        results = [function(*args, seed) for seed in seeds]
    except TrainingDivergedError:
        return "diverged"
    return np.median(results, axis=0)


def main():
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    seeds = range(args.seeds)
    X_train, X_test, y_train, y_test = digits_split()
    varying = X_train.std(axis=0) > 0
    X_train, X_test = X_train[:, varying], X_test[:, varying]
    rows = []
    for scaler in (False, True):
        for multiple in MULTIPLES:
            data = (X_train * multiple, X_test * multiple)
            error = median_or_diverged(relative_error, seeds, *data, scaler)
            score = median_or_diverged(accuracy, seeds, *data, y_train, y_test, scaler)
            rows.append(
                [
                    "MinMaxScaler first" if scaler else "as it is",
                    f"{multiple:g}",
                    error if isinstance(error, str) else f"{error[0]:.3f}",
                    error if isinstance(error, str) else f"{error[1]:.0f}",
                    score if isinstance(score, str) else f"{score:.3f}",
                ]
            )
    print_table(
        f"Digits in [0, 1] times a constant ({X_train.shape[1]} pixels), "
        f"medians of {args.seeds} seeds",
        [
            "X",
            "times",
            "DenseAutoencoder(16) MSE / PCA(16) MSE",
            "epoch kept",
            "LatentClassifier() accuracy",
        ],
        rows,
    )


if __name__ == "__main__":
    main()
