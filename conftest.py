"""Test configuration shared by the test suite and the doctests."""

import os

# TensorFlow's C++ start-up notices go to stderr before Python can capture them;
# keep test logs readable. Users' own settings win.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
