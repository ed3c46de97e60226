"""Reproducibility and global state, for every estimator."""

import hashlib
import random
import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest

# Small seeded estimators, as source code so that a fresh process can build
# the same one.
ESTIMATORS = {
    "DenseAutoencoder": "DenseAutoencoder(4, epochs=3, random_state=42)",
    "LatentClassifier": (
        "LatentClassifier(DenseAutoencoder(4, epochs=3), epochs=3, random_state=42)"
    ),
}

_FIT = """
from sklearn.datasets import load_digits
from dense_autoencoder import DenseAutoencoder, LatentClassifier
X, y = load_digits(return_X_y=True)
X, y = X[:200] / 16, y[:200]
estimator = {source}.fit(X, y)
if hasattr(estimator, "transform"):
    output = estimator.transform(X)
else:
    output = estimator.predict_proba(X)
"""


def _fit_here(source):
    namespace = {}
    exec(_FIT.format(source=source), namespace)  # noqa: S102 (our own test code)
    return namespace["output"]


@pytest.mark.parametrize("source", ESTIMATORS.values(), ids=ESTIMATORS)
def test_same_seed_gives_bitwise_equal_outputs_across_processes(source):
    script = _FIT.format(source=source) + textwrap.dedent(
        """
        import hashlib
        print(hashlib.sha256(output.tobytes()).hexdigest())
        """
    )
    digests = [
        subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, check=True
        ).stdout.strip()
        for _ in range(2)
    ]
    output = _fit_here(source)
    # Two fresh processes, and this one, which has run other fits before.
    assert digests == [hashlib.sha256(output.tobytes()).hexdigest()] * 2


@pytest.mark.parametrize("source", ESTIMATORS.values(), ids=ESTIMATORS)
def test_fit_leaves_global_random_state_untouched(source):
    keras.utils.set_random_seed(1234)
    expected_keras_draw = keras.ops.convert_to_numpy(keras.random.uniform((4,)))
    keras.utils.set_random_seed(1234)
    python_state = random.getstate()
    numpy_state = np.random.get_state()  # noqa: NPY002 (the global state is the point)

    _fit_here(source)

    assert random.getstate() == python_state
    after = np.random.get_state()  # noqa: NPY002 (the global state is the point)
    assert after[0] == numpy_state[0]
    np.testing.assert_array_equal(after[1], numpy_state[1])
    assert after[2:] == numpy_state[2:]
    # Keras's global seed generator did not advance.
    np.testing.assert_array_equal(
        keras.ops.convert_to_numpy(keras.random.uniform((4,))), expected_keras_draw
    )


# Each builds and trains every kind of layer, loss and compile the estimators use:
# the input noise, the code penalty, the head's cross-entropy, fine-tuning.
ALL_LAYERS = {
    "DenseAutoencoder": (
        "DenseAutoencoder(4, init='random', noise=0.1, latent_l1=1e-3, epochs=3, "
        "random_state=42)"
    ),
    "LatentClassifier": (
        "LatentClassifier(DenseAutoencoder(4, epochs=3), freeze_encoder=False, "
        "epochs=3, random_state=42)"
    ),
}


@pytest.mark.parametrize("source", ALL_LAYERS.values(), ids=ALL_LAYERS)
def test_networks_compute_in_float32_whatever_the_global_dtypes(source):
    expected = _fit_here(source)
    # Mixed precision, as a user may set it for other models, and float64.
    policy, floatx = keras.config.dtype_policy(), keras.config.floatx()
    keras.config.set_dtype_policy("mixed_bfloat16")
    keras.config.set_floatx("float64")
    try:
        output = _fit_here(source)
    finally:
        keras.config.set_floatx(floatx)
        keras.config.set_dtype_policy(policy)
    np.testing.assert_array_equal(output, expected)


@pytest.mark.parametrize("source", ESTIMATORS.values(), ids=ESTIMATORS)
def test_fit_leaves_tensorflow_determinism_flag_untouched(source):
    if keras.backend.backend() != "tensorflow":
        pytest.skip("TensorFlow's flag exists only on the TensorFlow backend")
    # No public getter exists for the flag; the test reads TensorFlow's own.
    from tensorflow.python.framework.config import is_op_determinism_enabled

    before = is_op_determinism_enabled()
    _fit_here(source)
    assert is_op_determinism_enabled() == before
