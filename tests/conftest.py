"""Fixtures shared by the test modules."""

import copy
import io
import pickle

import joblib
import keras
import numpy as np
import pytest
from sklearn.datasets import load_digits

from dense_autoencoder._networks import (
    build_autoencoder,
    compile_for_training,
    reconstruction_loss,
)


@pytest.fixture(scope="session")
def digits():
    """The digits, pixels scaled to [0, 1], and their labels."""
    X, y = load_digits(return_X_y=True)
    return X / 16, y


@pytest.fixture(params=["pickle", "joblib", "deepcopy"])
def round_trip(request):
    """A function that copies an estimator through pickle, joblib or deepcopy."""

    def copy_through(estimator):
        if request.param == "pickle":
            return pickle.loads(pickle.dumps(estimator))
        if request.param == "joblib":
            buffer = io.BytesIO()
            joblib.dump(estimator, buffer)
            buffer.seek(0)
            return joblib.load(buffer)
        return copy.deepcopy(estimator)

    return copy_through


@pytest.fixture(params=["pandas", "polars"])
def dataframes(request):
    """pandas, then polars: the module, skipped where it is not installed."""
    return pytest.importorskip(request.param)


@pytest.fixture
def pixel_frame(dataframes):
    """A function that puts samples in a DataFrame named pixel0, pixel1, ..."""

    def frame(X):
        columns = [f"pixel{i}" for i in range(X.shape[1])]
        return dataframes.DataFrame(dict(zip(columns, X.T, strict=True)))

    return frame


@pytest.fixture
def read_only_memmap(tmp_path):
    """A function that stores an array on disk and maps it back, read-only."""

    def store(array):
        path = tmp_path / "array.dat"
        stored = np.memmap(path, dtype=array.dtype, mode="w+", shape=array.shape)
        stored[:] = array
        stored.flush()
        return np.memmap(path, dtype=array.dtype, mode="r", shape=array.shape)

    return store


@pytest.fixture
def penalised_autoencoder():
    """A function that builds a small compiled autoencoder whose codes pay 0.1.

    6 inputs, a ReLU layer of 5, a linear code of 3; the same initial weights
    on every call. It returns the encoder, the decoder and the model to train.
    """

    def build():
        networks = build_autoencoder(
            6,
            (5,),
            3,
            activation="relu",
            latent_activation="linear",
            output_activation="linear",
            seeds=range(4),
            latent_l1=0.1,
        )
        compile_for_training(networks[2], reconstruction_loss(0.1), 0.01)
        return networks

    return build


@pytest.fixture
def assert_same_networks():
    """A function that asserts that fitted estimators have the same weights.

    Those of every network they hold: an autoencoder's encoder and decoder, a
    classifier's encoder and head. Bitwise, except on PyTorch, whose CPU
    kernels round by the thread count, so that fits in processes with fewer
    threads agree to float32 rounding, carried through training: a few units
    in the last place of weights of order 1.
    """

    def check(estimators, others):
        for estimator, other in zip(estimators, others, strict=True):
            networks = [
                name
                for name in ("encoder_", "decoder_", "head_")
                if hasattr(estimator, name)
            ]
            assert len(networks) == 2
            for network in networks:
                weights = getattr(estimator, network).get_weights()
                other_weights = getattr(other, network).get_weights()
                for weight, other_weight in zip(weights, other_weights, strict=True):
                    if keras.backend.backend() == "torch":
                        np.testing.assert_allclose(
                            weight, other_weight, rtol=1e-5, atol=1e-6
                        )
                    else:
                        np.testing.assert_array_equal(weight, other_weight)

    return check


@pytest.fixture
def assert_scores_agree():
    """A function that asserts that two arrays of scores agree to rounding.

    Processes with fewer threads score the same networks with other rounding:
    OpenBLAS's float32 products round by the thread count, and on PyTorch its
    CPU kernels carry that rounding through training too.
    """

    def check(scores, others):
        rtol = 1e-5 if keras.backend.backend() == "torch" else 1e-6
        np.testing.assert_allclose(scores, others, rtol=rtol)

    return check
