"""Test configuration shared by the test suite and the doctests."""

import os

# TensorFlow's C++ start-up notices go to stderr before Python can capture them;
# keep test logs readable. Users' own settings win.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

# TensorFlow writes its one-time device start-up errors (no CUDA driver, say)
# to stderr when it first places a tensor; do it here, before any test
# captures stderr, so that a test asserting silence does not depend on order.
import keras  # noqa: E402

keras.ops.zeros(1)
