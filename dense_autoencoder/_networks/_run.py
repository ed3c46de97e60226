"""Running built networks: compiling, predicting in chunks, losses, progress."""

import keras
import numpy as np

#: Rows per call when a fitted network runs on NumPy data, to bound memory.
PREDICT_BATCH_SIZE = 4096

#: Whether the backend traces the training step anew for each shape of batch:
#: TensorFlow and JAX do, PyTorch runs it eagerly.
TRACES_STEPS = keras.backend.backend() != "torch"


class PenalisedReconstruction(keras.losses.Loss):
    """Each sample's mean squared error plus the L1 norm of its codes, weighted.

    The loss of a `training_model` with a penalty, whose outputs are the
    reconstruction followed by the codes. The penalty is part of each
    sample's loss, so a sample's weight scales it too, and a row of weight 0
    adds nothing, where Keras's ``ActivityRegularization`` would charge every
    row of the batch alike.

    Parameters
    ----------
    latent_l1 : float
        Weight of the codes' L1 norm.
    **kwargs
        Passed to ``keras.losses.Loss``.

    Examples
    --------
    >>> import numpy as np
    >>> from dense_autoencoder._networks import PenalisedReconstruction
    >>> targets = np.zeros((2, 3), dtype=np.float32)
    >>> outputs = np.array([[3, 0, 0, 1], [0, 0, 0, -2]], dtype=np.float32)
    >>> float(PenalisedReconstruction(0.5)(targets, outputs))  # (3 + 0.5 + 1) / 2
    2.25
    """

    def __init__(
        self, latent_l1, name="penalised_reconstruction", dtype="float32", **kwargs
    ):
        super().__init__(name=name, dtype=dtype, **kwargs)
        self.latent_l1 = float(latent_l1)

    def call(self, y_true, y_pred):
        n_features = y_true.shape[-1]
        reconstruction, codes = y_pred[:, :n_features], y_pred[:, n_features:]
        return keras.losses.mean_squared_error(
            y_true, reconstruction
        ) + self.latent_l1 * keras.ops.sum(keras.ops.abs(codes), axis=-1)

    def get_config(self):
        return {**super().get_config(), "latent_l1": self.latent_l1}


def reconstruction_loss(latent_l1):
    """Return the loss that a `training_model` with ``latent_l1`` trains on.

    Parameters
    ----------
    latent_l1 : float
        The penalty the model was built with; 0 for none.

    Returns
    -------
    loss : str or PenalisedReconstruction
        The mean squared error without a penalty, for `compile_for_training`.
    """
    if latent_l1 == 0:
        return "mean_squared_error"
    return PenalisedReconstruction(latent_l1)


def compile_for_training(model, loss, learning_rate, optimizer=None):
    """Compile ``model`` with Adam and ``loss``, in place.

    The optimizer is named explicitly: an auto-named optimizer registers a new
    unique name in Keras's global state on every fit. The losses are float32
    and never scaled, whatever Keras's global dtype policy.

    Parameters
    ----------
    model : keras.Model
        The model to train.
    loss : {"mean_squared_error", "cross_entropy"} or keras.losses.Loss
        ``"cross_entropy"`` is the categorical cross-entropy of integer labels
        against the model's outputs taken as logits.
    learning_rate : float
        Adam's step size.
    optimizer : keras.optimizers.Optimizer, default=None
        The optimizer of another compiled model with the same weights, to go
        on with its state (Adam's moments and step count), at
        ``learning_rate``; None compiles a new Adam.
    """
    if loss == "cross_entropy":
        loss = keras.losses.SparseCategoricalCrossentropy(
            from_logits=True, dtype="float32"
        )
    elif loss == "mean_squared_error":
        loss = keras.losses.MeanSquaredError(dtype="float32")
    if optimizer is None:
        optimizer = keras.optimizers.Adam(learning_rate=learning_rate, name="adam")
    model.compile(optimizer=optimizer, loss=loss, auto_scale_loss=False)
    # Built here, Adam's variables exist before the training step is first
    # traced; built in that first call, they make TensorFlow trace it twice.
    model.optimizer.build(model.trainable_variables)
    set_step_size(model, learning_rate)


def set_step_size(model, learning_rate):
    """Set the step size of a compiled ``model``'s optimizer, keeping its state.

    A model trained further, by ``warm_start`` or ``partial_fit``, keeps its
    optimizer's moments but takes the step size its estimator has now.

    Parameters
    ----------
    model : keras.Model
        A model compiled by `compile_for_training`.
    learning_rate : float
        The new step size.
    """
    model.optimizer.learning_rate = learning_rate


def predict(model, X, batch_size=PREDICT_BATCH_SIZE):
    """Run a Keras model on a 2-D float32 array, chunk by chunk.

    Calling the model directly costs a fraction of ``model.predict``, which sets
    up a data pipeline on every call.

    Parameters
    ----------
    model : keras.Model
        A built model.
    X : ndarray of shape (n_samples, n_inputs), dtype float32
        The input, with at least one row.
    batch_size : int, default=PREDICT_BATCH_SIZE
        Rows per call, to bound the memory of the intermediate layers.

    Returns
    -------
    outputs : ndarray of shape (n_samples, n_outputs), dtype float32
        The model's outputs. How ``X`` is split can change a row's output by
        float32 rounding: matrix-product kernels depend on the number of rows.

    Examples
    --------
    >>> import numpy as np
    >>> from dense_autoencoder._networks import dense_stack, predict
    >>> model = dense_stack(3, (2,), ("linear",), (0,), "stack")
    >>> predict(model, np.ones((5, 3), dtype=np.float32)).shape
    (5, 2)
    """
    chunks = []
    for start in range(0, X.shape[0], batch_size):
        output = model(X[start : start + batch_size], training=False)
        chunks.append(keras.ops.convert_to_numpy(output))
    return np.concatenate(chunks)


def evaluate_loss(model, X, Y, sample_weight=None):
    """Compiled loss of ``model`` on ``(X, Y)``, without tracing a new function.

    Parameters
    ----------
    model : keras.Model
        A compiled model.
    X : ndarray of shape (n_samples, n_inputs), dtype float32
        The inputs.
    Y : ndarray of shape (n_samples, n_outputs)
        The targets.
    sample_weight : ndarray of shape (n_samples,), default=None
        Weights of the samples' losses, as in training.

    Returns
    -------
    loss : float
        The loss, regularization terms included, as training reports it.
    """
    loss = model.compute_loss(
        x=X,
        y=Y,
        y_pred=predict(model, X),
        sample_weight=sample_weight,
        training=False,
    )
    return float(keras.ops.convert_to_numpy(loss))


def progress_bar(model, *, verbose, epochs, steps):
    """Keras's own per-epoch progress display, to drive by hand.

    Parameters
    ----------
    model : keras.Model
        The model being trained.
    verbose : int
        0 shows nothing, 1 a progress bar per epoch, 2 one line per epoch.
    epochs : int
        Number of epochs planned.
    steps : int
        Number of batches per epoch.

    Returns
    -------
    callbacks : keras.callbacks.CallbackList
        Call ``on_train_begin``, ``on_epoch_begin``, ``on_train_batch_end``,
        ``on_epoch_end`` and ``on_train_end`` on it as training goes.
    """
    callbacks = [keras.callbacks.ProgbarLogger()] if verbose else []
    return keras.callbacks.CallbackList(
        callbacks, model=model, verbose=verbose, epochs=epochs, steps=steps
    )
