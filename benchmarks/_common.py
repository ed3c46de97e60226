"""What the benchmark scripts share: the data, timing and table printing."""

import atexit
import platform
import shutil
import tempfile
import time
from pathlib import Path

import keras
import numpy as np
import threadpoolctl
from sklearn.datasets import fetch_lfw_people, load_digits
from sklearn.model_selection import train_test_split

SHARED_LFW = Path(__file__).resolve().parents[2] / "shared" / "data" / "lfw_home"


def default_data_home():
    """Link ``../shared/data/lfw_home`` into a temporary data home; None if absent.

    scikit-learn caches what it loads in ``lfw_home/joblib``; the links let it
    write that cache in a temporary folder, removed at exit, and leave the
    shared copy unwritten.
    """
    if not SHARED_LFW.is_dir():
        return None
    data_home = Path(tempfile.mkdtemp(prefix="lfw_data_"))
    atexit.register(shutil.rmtree, data_home, ignore_errors=True)
    (data_home / "lfw_home").mkdir()
    for entry in SHARED_LFW.iterdir():
        if entry.name != "joblib":
            (data_home / "lfw_home" / entry.name).symlink_to(entry)
    return str(data_home)


def lfw_split(data_home):
    """Load the article's LFW faces and split them 75/25: images and labels."""
    faces = fetch_lfw_people(
        data_home=data_home,
        min_faces_per_person=100,
        resize=0.5,
        download_if_missing=data_home is None,
    )
    return train_test_split(faces.images, faces.target, test_size=0.25, random_state=0)


def digits_split():
    """scikit-learn's digits, scaled to [0, 1], split 75/25 with random_state=0."""
    X, y = load_digits(return_X_y=True)
    return train_test_split(X / 16, y, test_size=0.25, random_state=0)


def reconstruction_error(reconstruct, X_test):
    """Mean squared error of ``reconstruct(X_test)`` against ``X_test``."""
    return float(np.mean((reconstruct(X_test) - X_test) ** 2))


def round_trip_error(transformer, X_test):
    """Mean squared error of a fitted transformer's encoding and decoding."""
    return reconstruction_error(
        lambda X: transformer.inverse_transform(transformer.transform(X)), X_test
    )


def median_time(function, repeats):
    """Median wall time of ``repeats`` calls, in seconds, after one warm-up."""
    function()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def matmul_peak(repeats=5, size=2048):
    """Float32 matrix product throughput of NumPy and of Keras, in GFLOP/s.

    Keras's backend multiplies with its own kernels (oneDNN on TensorFlow),
    NumPy with OpenBLAS, whose kernels ``OPENBLAS_CORETYPE`` can choose: the
    two peaks may differ by a factor of two on one machine.
    """
    a = np.random.RandomState(0).rand(size, size).astype(np.float32)
    tensor = keras.ops.convert_to_tensor(a)
    flops = 2 * size**3
    return {
        "NumPy": flops / median_time(lambda: a @ a, repeats) / 1e9,
        # One value read back waits for the product, whichever the backend.
        f"Keras ({keras.backend.backend()})": flops
        / median_time(lambda: float(keras.ops.matmul(tensor, tensor)[0, 0]), repeats)
        / 1e9,
    }


def processor():
    """Name the processor and its widest matrix instructions.

    oneDNN, under TensorFlow, picks its kernels by these, so results that are
    bitwise equal on one machine may differ in the last digits on another.
    """
    fields = {}
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                key, _, value = line.partition(":")
                fields.setdefault(key.strip(), value.strip())
    except OSError:  # not Linux
        pass
    name = fields.get("model name") or platform.processor() or platform.machine()
    flags = set(fields.get("flags", "").split())
    for flag, label in [("amx_tile", "AMX"), ("avx512f", "AVX-512"), ("avx2", "AVX2")]:
        if flag in flags:
            return f"{name} with {label}"
    return name


def blas_kernels():
    """Name the kernels of the loaded BLAS: ``"Haswell"``, say, or ``"mkl"``.

    OpenBLAS reports the processor family whose kernels it runs; other
    libraries are named.
    """
    return ", ".join(
        sorted(
            {
                lib.get("architecture", lib["internal_api"])
                for lib in threadpoolctl.threadpool_info()
                if lib["user_api"] == "blas"
            }
        )
    )


def print_table(title, header, rows):
    """Print a Markdown table."""
    print(f"\n{title}\n")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join(str(cell) for cell in row) + " |")


def article_autoencoder(n_features, latent_dim=420, n_outputs=None, loss="mse"):
    """Build the article's autoencoder in plain Keras, compiled with Adam.

    ``n_outputs`` (``n_features`` if None) and ``loss`` turn it into the
    classifier of the same layers, whose last layer gives the logits.
    """
    model = keras.Sequential(
        [
            keras.Input((n_features,)),
            keras.layers.Dense(n_features // 2, activation="relu"),
            keras.layers.Dense(latent_dim, activation="relu"),
            keras.layers.Dense(n_features // 2, activation="relu"),
            keras.layers.Dense(n_outputs or n_features),
        ]
    )
    model.compile(optimizer="adam", loss=loss)
    return model
