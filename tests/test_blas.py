"""The NumPy steps of a fit run on one BLAS thread, whatever the caller's."""

import threading

import pytest
from threadpoolctl import threadpool_info, threadpool_limits

from dense_autoencoder import DenseAutoencoder
from dense_autoencoder import _autoencoder_fit as autoencoder_fit
from dense_autoencoder._blas import one_blas_thread


def _blas_threads():
    return {
        info["num_threads"] for info in threadpool_info() if info["user_api"] == "blas"
    }


@pytest.fixture
def several_threads():
    """The BLAS thread count outside the limit, which must be more than one."""
    threads = _blas_threads()
    if threads == {1}:
        pytest.skip("the BLAS runs on one thread here: nothing to limit")
    return threads


def test_the_limit_holds_inside_and_is_lifted_after(several_threads):
    with one_blas_thread():
        assert _blas_threads() == {1}
    assert _blas_threads() == several_threads


def test_threads_that_overlap_restore_the_thread_count(several_threads):
    # Without turns, the second would save the first's limit of one thread and
    # restore it after the first had lifted it.
    first_inside, first_out = threading.Event(), threading.Event()

    def first():
        with one_blas_thread():
            first_inside.set()
            first_out.wait(0.5)
        first_out.set()

    def second():
        first_inside.wait(5)
        with one_blas_thread():
            first_out.wait(5)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert _blas_threads() == several_threads


def test_the_pca_start_and_the_mean_shift_run_on_one_thread(
    digits, monkeypatch, several_threads
):
    seen = []

    def watching(function):
        def watched(*args, **kwargs):
            seen.append((function.__name__, _blas_threads()))
            return function(*args, **kwargs)

        return watched

    for name in ("start_from_pca", "shift_inputs"):
        monkeypatch.setattr(
            autoencoder_fit, name, watching(getattr(autoencoder_fit, name))
        )
    X, _ = digits
    DenseAutoencoder(4, epochs=1, random_state=0).fit(X[:300])
    assert {name for name, _ in seen} == {"start_from_pca", "shift_inputs"}
    assert all(threads == {1} for _, threads in seen)
    assert _blas_threads() == several_threads


def test_the_weights_do_not_depend_on_the_callers_thread_count(
    digits, assert_same_networks
):
    # NumPy 1.26's OpenBLAS gives the PCA start of these rows other float32
    # weights on one thread than on two.
    X, _ = digits

    def fitted():
        return DenseAutoencoder(6, epochs=2, random_state=0).fit(X[:300])

    several = fitted()
    with threadpool_limits(limits=1, user_api="blas"):
        one = fitted()
    assert_same_networks([several], [one])
