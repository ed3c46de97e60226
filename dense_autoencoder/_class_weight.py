"""Class weights: ``LatentClassifier``'s ``class_weight``, as sample weights."""

from numbers import Real

import numpy as np

from ._base import BaseDenseNetwork

#: Why `partial_fit` refuses ``class_weight="balanced"``, and what to do.
NOT_STREAMED = (
    "class_weight='balanced' is not available in partial_fit: one chunk does "
    "not show the class frequencies of the stream. Pass a dict instead, such "
    "as dict(zip(classes, compute_class_weight('balanced', classes=classes, "
    "y=y))) with sklearn.utils.class_weight.compute_class_weight, on enough "
    "of the stream's labels."
)


def class_weights(class_weight, classes, y):
    """Weight of each class, from a ``class_weight`` parameter.

    Parameters
    ----------
    class_weight : dict, "balanced" or None
        As `LatentClassifier` takes it.
    classes : ndarray of shape (n_classes,)
        The sorted class labels.
    y : ndarray of shape (n_samples,)
        The labelled samples' positions in ``classes``.

    Returns
    -------
    weights : ndarray of shape (n_classes,), dtype float64, or None
        None when ``class_weight`` is None.

    Examples
    --------
    >>> import numpy as np
    >>> from dense_autoencoder._class_weight import class_weights
    >>> classes, y = np.array(["a", "b"]), np.array([0, 0, 0, 1])
    >>> class_weights("balanced", classes, y).tolist()
    [0.6666666666666666, 2.0]
    >>> class_weights({"b": 5}, classes, y).tolist()
    [1.0, 5.0]
    """
    if class_weight is None:
        return None
    if class_weight == "balanced":
        counts = np.bincount(y, minlength=len(classes))
        present = counts > 0
        weights = np.ones(len(classes))
        weights[present] = len(y) / (present.sum() * counts[present])
        return weights
    labels = classes.tolist()
    unknown = [key for key in class_weight if key not in labels]
    if unknown and any(label not in class_weight for label in labels):
        raise ValueError(
            f"class_weight={class_weight!r} names labels that are not classes: "
            f"{unknown!r}; the classes are {labels!r}."
        )
    weights = [class_weight.get(label, 1.0) for label in labels]
    for label, weight in zip(labels, weights, strict=True):
        if (
            isinstance(weight, bool)
            or not isinstance(weight, Real)
            or not 0 <= weight < np.inf
        ):
            raise ValueError(
                f"class_weight[{label!r}] must be a non-negative finite number; "
                f"got {weight!r}."
            )
    return np.array(weights, dtype=np.float64)


def weigh_classes(weights, X, y, sample_weight, class_weight):
    """Weigh each sample by its class: return the head's rows and weights.

    Each sample's weight is multiplied by its class's; rows whose weight is
    then zero are left out, as those of ``sample_weight`` are.

    Parameters
    ----------
    weights : ndarray of shape (n_classes,) or None
        The classes' weights, as `class_weights` returns them.
    X : ndarray of shape (n_samples, n_features)
        The labelled samples.
    y : ndarray of shape (n_samples,)
        Their positions in the classes.
    sample_weight : ndarray of shape (n_samples,) or None
        Their positive weights.
    class_weight : dict or "balanced"
        The parameter, to name in an error.

    Returns
    -------
    X, y : ndarray
        The samples and labels of positive weight.
    sample_weight : ndarray of shape (n_kept,), dtype float32, or None
        Their weights; None when all are 1.
    """
    if weights is None:
        return X, y, sample_weight
    weights = weights[y]
    if sample_weight is not None:
        weights = weights * sample_weight
    # Checked here, before _check_weights: scikit-learn's own check of all-zero
    # weights would raise first, naming sample weights where class_weight
    # gave the zeros.
    n_positive = np.count_nonzero(weights)
    if n_positive < 2:
        raise ValueError(
            f"class_weight={class_weight!r} leaves {n_positive} labelled "
            "sample(s) of positive weight; the head needs at least 2."
        )
    sample_weight, X, y = BaseDenseNetwork._check_weights(weights, X, y)
    return X, y, sample_weight
