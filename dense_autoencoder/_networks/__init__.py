"""Keras builders and runners for the estimators' networks.

Everything that touches the Keras graph lives in this package, through the
public Keras API only; the scikit-learn contract lives in the estimator
modules. ``_build`` makes the networks, ``_state`` turns a dense stack into
plain arrays and back, ``_run`` compiles, runs and evaluates them.
"""

from ._build import (
    ACTIVATIONS,
    InputNoise,
    build_autoencoder,
    build_head,
    chain,
    dense_stack,
    shift_inputs,
    training_model,
    training_regularization,
)
from ._run import (
    PREDICT_BATCH_SIZE,
    TRACES_STEPS,
    PenalisedReconstruction,
    compile_for_training,
    evaluate_loss,
    predict,
    progress_bar,
    reconstruction_loss,
    set_step_size,
)
from ._state import (
    dense_layer_state,
    dense_stack_from_state,
    dense_stack_state,
    with_logits,
    with_softmax,
)

__all__ = [
    "ACTIVATIONS",
    "InputNoise",
    "PREDICT_BATCH_SIZE",
    "TRACES_STEPS",
    "PenalisedReconstruction",
    "build_autoencoder",
    "build_head",
    "chain",
    "compile_for_training",
    "dense_layer_state",
    "dense_stack",
    "dense_stack_from_state",
    "dense_stack_state",
    "evaluate_loss",
    "predict",
    "progress_bar",
    "reconstruction_loss",
    "set_step_size",
    "shift_inputs",
    "training_model",
    "training_regularization",
    "with_logits",
    "with_softmax",
]
