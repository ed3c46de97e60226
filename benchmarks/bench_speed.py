"""Training throughput, scaling with the data, and inference latency.

On the article's LFW training set (855 faces of 2,914 pixels) and network
(``DenseAutoencoder(420)``: 2914 -> 1457 -> 420 -> 1457 -> 2914), prints:

- training throughput at the default settings, in GFLOP/s and as a share of
  the float32 matrix product peaks of NumPy and of the Keras backend measured
  in the same run, beside the article's recipe (Keras ``fit``, batch 32);
- fit time per epoch on 1x, 4x and 16x the training set;
- ``transform`` of 1 and of 10,000 rows beside ``encoder_.predict``, a direct
  call of the Keras encoder, and NumPy matrix products on the same weights,
  with the largest difference from the Keras model's outputs.

Times are medians over repeats. Run from the repository root::

    python benchmarks/bench_speed.py [--repeats 5] [--data-home PATH]
"""

import argparse

import keras
import numpy as np
from _common import (
    article_autoencoder,
    blas_kernels,
    default_data_home,
    lfw_split,
    matmul_peak,
    median_time,
    print_table,
    processor,
)

from dense_autoencoder import DenseAutoencoder


def training_flops(autoencoder, n_samples):
    """FLOPs of one epoch: forward, and backward at twice the forward."""
    weights = autoencoder.encoder_.get_weights() + autoencoder.decoder_.get_weights()
    multiply_adds = sum(kernel.size for kernel in weights[0::2])
    return 3 * 2 * multiply_adds * n_samples


def epoch_time(X, repeats, **params):
    """Seconds per epoch of our fit: the difference of 2 and 7 epochs, / 5."""

    def fit(epochs):
        return DenseAutoencoder(
            420, epochs=epochs, early_stopping=False, random_state=0, **params
        ).fit(X)

    seven, two = (median_time(lambda e=e: fit(e), repeats) for e in (7, 2))
    return (seven - two) / 5


def keras_epoch_time(X, repeats):
    """Seconds per epoch of the article's recipe: Keras fit with batch 32."""
    n_features = X.shape[1]
    model = article_autoencoder(n_features)
    model.fit(X, X, epochs=1, batch_size=32, verbose=0)
    return (
        median_time(
            lambda: model.fit(X, X, epochs=2, batch_size=32, verbose=0), repeats
        )
        / 2
    )


def numpy_encoder(autoencoder):
    """Write the encoder as plain NumPy matrix products on its weights."""
    (k1, b1), (k2, b2) = (layer.get_weights() for layer in autoencoder.encoder_.layers)
    return lambda X: np.maximum(X @ k1 + b1, 0) @ k2 + b2


def main():
    """Print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--data-home", default=None)
    args = parser.parse_args()
    faces, _, _, _ = lfw_split(args.data_home or default_data_home())
    X = faces.reshape(len(faces), -1)
    repeats = args.repeats
    peaks = matmul_peak()
    reference = DenseAutoencoder(420, epochs=1, random_state=0).fit(X)
    # Early stopping holds out validation_fraction of the rows.
    n_train = len(X) - round(reference.validation_fraction * len(X))
    ours = epoch_time(X, repeats)
    keras_fit = keras_epoch_time(X, repeats)
    throughputs = [
        (name, f"{seconds:.3f}", training_flops(reference, n_rows) / seconds / 1e9)
        for name, seconds, n_rows in [
            ("DenseAutoencoder(420), defaults", ours, n_train),
            ("article's recipe: Keras fit, batch 32", keras_fit, len(X)),
        ]
    ] + [(f"{name} float32 matmul peak", "", peak) for name, peak in peaks.items()]
    rows = [
        [name, seconds, f"{gflops:.0f}", *(f"{gflops / p:.0%}" for p in peaks.values())]
        for name, seconds, gflops in throughputs
    ]
    print_table(
        f"Training throughput on LFW (one epoch; {processor()}; NumPy's BLAS "
        f"kernels: {blas_kernels()})",
        [
            "model",
            "s / epoch",
            "GFLOP/s",
            *(f"share of {name}'s peak" for name in peaks),
        ],
        rows,
    )

    rng = np.random.RandomState(0)
    rows = []
    for scale in (1, 4, 16):
        # Copies with a little noise: same network, same work per row.
        noise = rng.normal(0, 0.01, (scale * len(X), X.shape[1]))
        data = np.tile(X, (scale, 1)) + noise
        seconds = epoch_time(data.astype(np.float32), max(1, repeats // 2))
        rows.append(
            [
                f"{scale}x",
                len(data),
                f"{seconds:.2f}",
                f"{seconds / len(data) * 1e3:.3f}",
            ]
        )
    print_table(
        "Fit time per epoch against the number of samples",
        ["data", "samples", "s / epoch", "ms / sample"],
        rows,
    )

    autoencoder = DenseAutoencoder(420, epochs=3, random_state=0).fit(X)
    encode = numpy_encoder(autoencoder)
    rows = []
    for n_rows in (1, 10_000):
        batch = np.ascontiguousarray(np.resize(X, (n_rows, X.shape[1])), np.float32)
        expected = autoencoder.encoder_.predict(batch, verbose=0)
        difference = np.abs(autoencoder.transform(batch) - expected).max()
        times = {
            "transform": median_time(lambda b=batch: autoencoder.transform(b), repeats),
            "encoder_.predict": median_time(
                lambda b=batch: autoencoder.encoder_.predict(b, verbose=0), repeats
            ),
            "encoder_(X)": median_time(
                lambda b=batch: keras.ops.convert_to_numpy(autoencoder.encoder_(b)),
                repeats,
            ),
            "NumPy matmuls": median_time(lambda b=batch: encode(b), repeats),
        }
        for name, seconds in times.items():
            rows.append(
                [
                    n_rows,
                    name,
                    f"{seconds * 1e3:.2f}",
                    f"{times['encoder_.predict'] / seconds:.1f}",
                    f"{difference:.1e}" if name == "transform" else "",
                ]
            )
    print_table(
        "Encoding time, DenseAutoencoder(420) on LFW",
        ["rows", "method", "ms", "speed-up over predict", "max |transform - Keras|"],
        rows,
    )


if __name__ == "__main__":
    main()
