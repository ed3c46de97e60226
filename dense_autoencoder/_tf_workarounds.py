"""What TensorFlow leaves behind each time a Keras training step is traced.

A leak: each traced training step of a Keras optimizer on TensorFlow sums the
gradients with ``ReplicaContext.all_reduce``, which registers a custom gradient
under a new unique name in TensorFlow's global gradient registry and never
removes it (tensorflow/tensorflow#80895, keras-team/keras#20245). The entry
pins the whole traced graph, about 4 MB a fit for a small network, for the life
of the process; ``keras.backend.clear_session`` does not free it. No public API
reaches the registry, so this module removes, after each fit, exactly the
entries that ``all_reduce`` registered during it. Nothing ever looks them up:
they would serve only to differentiate through the optimizer's update. If
TensorFlow's internals move, or the backend is not TensorFlow, it does nothing,
and the memory test in ``tests/test_reliability.py`` says so.

A warning: TensorFlow counts the traces of every model's training step
together, and after five in a process it warns of excessive retracing, though
each fit traces its own new step once. `quiet_retracing_warnings` drops that
message, and only that one, while a fit trains.
"""

import contextlib
import logging

import keras


def _gradient_registry():
    """TensorFlow's registry of gradient functions, as a dict, or None."""
    if keras.backend.backend() != "tensorflow":
        return None
    try:
        from tensorflow.python.framework import ops
    except ImportError:
        return None
    registry = getattr(getattr(ops, "_gradient_registry", None), "_registry", None)
    return registry if isinstance(registry, dict) else None


def _registered_by_all_reduce(entry):
    """Whether a registry entry is the custom gradient of an ``all_reduce``."""
    function = entry.get("type") if isinstance(entry, dict) else None
    # The registered function closes over ``tape_grad_fn``, which closes over
    # the ``grad_fn`` that all_reduce defined.
    for _ in range(3):
        cells = {
            name: cell
            for name, cell in zip(
                getattr(getattr(function, "__code__", None), "co_freevars", ()),
                getattr(function, "__closure__", None) or (),
                strict=True,
            )
        }
        cell = cells.get("tape_grad_fn") or cells.get("grad_fn")
        if cell is None:
            return False
        try:
            function = cell.cell_contents
        except ValueError:
            return False
        if "all_reduce" in getattr(function, "__qualname__", ""):
            return True
    return False


@contextlib.contextmanager
def released_training_graphs():
    """Remove, on exit, the registry entries that training left behind."""
    registry = _gradient_registry()
    before = set(registry) if registry is not None else set()
    try:
        yield
    finally:
        if registry is not None:
            # set() of a dict copies its keys in one step, under the GIL.
            for name in set(registry) - before:
                if name.startswith("CustomGradient-") and _registered_by_all_reduce(
                    registry[name]
                ):
                    registry.pop(name, None)


class _RetracingWarningFilter(logging.Filter):
    """Drop TensorFlow's warning that a function was traced too often."""

    def filter(self, record):
        return "triggered tf.function retracing" not in record.getMessage()


@contextlib.contextmanager
def quiet_retracing_warnings():
    """Drop, while in the block, TensorFlow's warning of excessive retracing.

    Every fit builds new networks and traces their training step once
    (``tests/test_training.py`` checks it). TensorFlow counts the traces of
    every model's step together, and after five in a process, as in a grid
    search, it logs that "tracing is expensive" and advises fixes that do not
    apply. Only that message is dropped, only from the ``"tensorflow"``
    logger, and only while the block runs: the filter is removed on exit.

    Examples
    --------
    >>> import logging
    >>> from dense_autoencoder._tf_workarounds import quiet_retracing_warnings
    >>> with quiet_retracing_warnings():
    ...     len(logging.getLogger("tensorflow").filters) > 0
    True
    """
    logger = logging.getLogger("tensorflow")
    quiet = _RetracingWarningFilter()
    logger.addFilter(quiet)
    try:
        yield
    finally:
        logger.removeFilter(quiet)
