"""Memory of repeated fits and of a serving loop.

Prints the resident memory of this process after 10, 60 and 120 sequential
fits of a small ``DenseAutoencoder``, with a garbage collection after every
fit (what leaks) and without (what a plain loop holds: dead Keras models wait
for Python's cyclic collector), then after 1,000 and 5,000 one-row
``transform`` calls. Run from the repository root::

    python benchmarks/bench_memory.py
"""

import gc

import numpy as np
import psutil

from dense_autoencoder import DenseAutoencoder

X = np.random.RandomState(0).rand(300, 64)


def megabytes():
    """Resident memory of this process, in MB, after a garbage collection."""
    gc.collect()
    return psutil.Process().memory_info().rss / 2**20


def fits(collect_each):
    """RSS after fits 10, 60 and 120."""
    rss = []
    for fit in range(1, 121):
        DenseAutoencoder(8, epochs=3, random_state=fit).fit(X)
        if collect_each:
            gc.collect()
        if fit in (10, 60, 120):
            rss.append(megabytes())
    return rss


def main():
    """Print the table."""
    print(f"{'RSS in MB':<40} {'10':>8} {'60':>8} {'120':>8} {'60 - 10':>8}")
    for name, collect_each in [
        ("fits, gc.collect() after each", True),
        ("fits, plain loop", False),
    ]:
        first, middle, last = fits(collect_each)
        print(
            f"{name:<40} {first:8.1f} {middle:8.1f} {last:8.1f} {middle - first:8.1f}"
        )
    autoencoder = DenseAutoencoder(8, epochs=3, random_state=0).fit(X)
    calls = []
    for call in range(1, 5001):
        autoencoder.transform(X[:1])
        if call in (1000, 5000):
            calls.append(megabytes())
    print(
        f"{'one-row transform, calls 1,000 / 5,000':<40} {calls[0]:8.1f} "
        f"{calls[1]:8.1f} {'':>8} {calls[1] - calls[0]:8.1f}"
    )


if __name__ == "__main__":
    main()
