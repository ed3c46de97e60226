"""One BLAS thread for the NumPy arithmetic of ``fit``.

OpenBLAS, which NumPy ships, rounds matrix products and decompositions
differently with the number of threads it runs on, and joblib's workers run
with fewer threads than their parent. The few NumPy steps of a fit, such as
the PCA start, run on one thread, so that a fit gives the same weights in any
process.
"""

import threading
from contextlib import contextmanager
from functools import cache

from threadpoolctl import ThreadpoolController

# The thread limit is the process's: fits in concurrent threads take turns, so
# that none restores the thread count while another still relies on the limit.
_TURN = threading.RLock()


@cache
def _controller():
    # Finding the loaded BLAS libraries takes milliseconds, a few percent of a
    # small fit: once per process. NumPy's and SciPy's, the ones that fit
    # uses, are loaded when this package is imported.
    return ThreadpoolController()


@contextmanager
def one_blas_thread():
    """Run the BLAS (NumPy's matrix products and LAPACK) on one thread.

    The previous thread count is restored on exit.

    Examples
    --------
    >>> import numpy as np
    >>> from dense_autoencoder._blas import one_blas_thread
    >>> a = np.random.RandomState(0).normal(size=(300, 200))
    >>> with one_blas_thread():
    ...     first = np.linalg.svd(a, compute_uv=False)
    >>> with one_blas_thread():
    ...     second = np.linalg.svd(a, compute_uv=False)
    >>> bool(np.array_equal(first, second))
    True
    """
    with _TURN, _controller().limit(limits=1, user_api="blas"):
        yield
