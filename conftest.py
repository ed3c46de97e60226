"""Test configuration shared by the test suite and the doctests."""

import os

# TensorFlow's C++ start-up notices go to stderr before Python can capture them;
# keep test logs readable. Users' own settings win.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

# On NVIDIA GPUs from Ampere on, TensorFlow and JAX multiply float32 matrices in
# TF32 by default (PyTorch does not), which rounds to about 1e-3. The tests
# compare the estimators' NumPy outputs with the Keras models' to float32
# rounding, so they ask for full float32 products, as the user guide's GPU
# section shows users; on a CPU nothing changes. JAX reads this variable when
# it is imported, in the worker processes of n_jobs too, which inherit it (a
# jax.config.update call holds in its own process only).
os.environ["JAX_DEFAULT_MATMUL_PRECISION"] = "float32"

# XLA on a GPU chooses among kernels by timing them (autotuning), anew in each
# process, so fits in the workers of n_jobs and in this process may run kernels
# that round differently, while the tests compare their weights bitwise.
# Deterministic ops fix the choice, as the user guide's GPU section shows users;
# on a CPU nothing changes. A user's own setting of the flag wins.
_XLA_FLAGS = os.environ.get("XLA_FLAGS", "")
if "--xla_gpu_deterministic_ops" not in _XLA_FLAGS:
    os.environ["XLA_FLAGS"] = f"{_XLA_FLAGS} --xla_gpu_deterministic_ops=true".strip()

# TensorFlow writes its one-time device start-up errors (no CUDA driver, say)
# to stderr when it first places a tensor; do it here, before any test
# captures stderr, so that a test asserting silence does not depend on order.
import keras  # noqa: E402

keras.ops.zeros(1)

# In case a plugin imported JAX before this file set the variable.
if keras.backend.backend() == "jax":
    import jax

    jax.config.update("jax_default_matmul_precision", "float32")
# TensorFlow's setting holds in this process only: fits in the workers of
# n_jobs start with TensorFlow's default, TF32 on such a GPU.
elif keras.backend.backend() == "tensorflow":
    import tensorflow as tf

    tf.config.experimental.enable_tensor_float_32_execution(False)
