"""What a saved file may hold, and the checks that turn it back into values.

`_persistence` reads the archive; this module decodes the tagged JSON of
``metadata.json`` into values, refusing any tag, key, type, dtype or weight
shape that `save` does not write, and checks that the weights fit the
architecture their estimator describes.
"""

import numpy as np
from sklearn.frozen import FrozenEstimator

from ._networks import ACTIVATIONS, dense_stack_from_state

#: Array kinds a file may hold: booleans, integers, floats and unicode strings.
ARRAY_KINDS = frozenset("biufU")
#: The scalars of its JSON: in an object array, and as the keys of a dict.
SCALARS = bool | int | float | str
STACK_KEYS = {"name", "activations", "weights"}
#: Fitted attributes added after format version 1, and the version that did.
#: A file of an earlier version loads without them.
ADDED_IN_VERSION = {"best_epoch_": 2, "best_loss_": 2}


class ModelFileError(ValueError):
    """A file refused by `load`: not one that `save` writes, or unsafe to read.

    Examples
    --------
    >>> from dense_autoencoder import ModelFileError
    >>> issubclass(ModelFileError, ValueError)
    True
    """


def expect_keys(mapping, keys, where, optional=()):
    """Refuse a JSON object that lacks ``keys`` or holds keys beyond ``optional``."""
    if not isinstance(mapping, dict):
        raise ModelFileError(f"{where} must be a JSON object, got {mapping!r:.80}.")
    unknown = sorted(set(mapping) - set(keys) - set(optional))
    missing = sorted(set(keys) - set(mapping))
    if unknown or missing:
        raise ModelFileError(
            f"{where} has unknown keys {unknown} and lacks keys {missing}."
        )


class Decoder:
    """Turn tagged JSON back into values, refusing anything unexpected.

    ``version`` is the file's format version: the fitted attributes that
    later versions added may be absent from an older file.
    """

    def __init__(self, archive, version):
        self.archive, self.version = archive, version

    def value(self, value, where):
        """Decode one tagged value; ``where`` names it in error messages."""
        if value is None or isinstance(value, SCALARS):
            return value
        if isinstance(value, list):
            return [self.value(item, f"{where}[{i}]") for i, item in enumerate(value)]
        if not isinstance(value, dict) or len(value) != 1:
            raise ModelFileError(f"{where}: unknown value {value!r:.80}.")
        ((tag, content),) = value.items()
        if tag == "tuple" and isinstance(content, list):
            return tuple(self.value(content, where))
        if tag == "dict" and isinstance(content, dict):
            return {
                key: self.value(item, f"{where}.{key}") for key, item in content.items()
            }
        if tag == "pairs" and isinstance(content, list):
            return self.pairs(content, where)
        if tag == "object_array" and isinstance(content, list):
            items = self.value(content, where)
            if not all(isinstance(item, SCALARS) for item in items):
                raise ModelFileError(f"{where}: an object array holds only scalars.")
            array = np.empty(len(items), dtype=object)
            array[:] = items
            return array
        if tag == "array" and isinstance(content, str):
            return self.array(content, where)
        if tag == "random_state" and isinstance(content, list) and len(content) == 4:
            keys, position, has_gauss, gauss = content
            state = ("MT19937", self.value(keys, where), position, has_gauss, gauss)
            random_state = np.random.RandomState()
            try:
                random_state.set_state(state)
            except (TypeError, ValueError) as error:
                raise ModelFileError(f"{where}: bad random state: {error}.") from None
            return random_state
        if tag == "dense_stack" and isinstance(content, dict):
            expect_keys(content, STACK_KEYS, where)
            return {
                key: self.value(item, f"{where}.{key}") for key, item in content.items()
            }
        if tag == "estimator":
            return self.estimator(content, where)
        raise ModelFileError(f"{where}: unknown value tag {tag!r}.")

    def pairs(self, content, where):
        """Decode a dict written as ``[key, value]`` pairs, of scalar keys."""
        mapping = {}
        for i, pair in enumerate(content):
            if not isinstance(pair, list) or len(pair) != 2:
                raise ModelFileError(f"{where}[{i}]: not a [key, value] pair.")
            key, value = pair
            if not isinstance(key, SCALARS) or key in mapping:
                raise ModelFileError(
                    f"{where}[{i}]: a bad or repeated key {key!r:.80}."
                )
            mapping[key] = self.value(value, f"{where}[{key!r}]")
        return mapping

    def array(self, name, where):
        """Read the array member ``name`` without pickle, of a plain dtype."""
        try:
            member = self.archive.getinfo(name)
        except KeyError:
            raise ModelFileError(f"{where}: no member {name!r}.") from None
        with self.archive.open(member) as file:
            try:
                array = np.lib.format.read_array(file, allow_pickle=False)
            except ValueError as error:
                raise ModelFileError(
                    f"{where}: {name!r} is not a plain .npy array ({error})."
                ) from None
        if array.dtype.kind not in ARRAY_KINDS:
            raise ModelFileError(f"{where}: {name!r} has dtype {array.dtype}.")
        return array

    def estimator(self, content, where):
        """Rebuild an estimator from its class, parameters and fitted state."""
        from ._autoencoder import DenseAutoencoder
        from ._classifier import LatentClassifier

        classes = {
            "DenseAutoencoder": DenseAutoencoder,
            "LatentClassifier": LatentClassifier,
        }
        if isinstance(content, dict) and content.get("class") == "FrozenEstimator":
            expect_keys(content, {"class", "estimator"}, where)
            inner = self.estimator(content["estimator"], f"{where}.estimator")
            if not hasattr(inner, "n_features_in_"):
                raise ModelFileError(f"{where}: a FrozenEstimator of an unfitted one.")
            return FrozenEstimator(inner)
        expect_keys(content, {"class", "params", "fitted"}, where)
        name = content["class"]
        if name not in classes:
            raise ModelFileError(
                f"{where}: unknown class {name!r}; a file holds one of "
                f"{sorted(classes)} or a FrozenEstimator of one."
            )
        estimator = classes[name]()
        params = content["params"]
        # Parameters added since the file was written keep their defaults.
        expect_keys(params, (), f"{where}.params", estimator.get_params(deep=False))
        estimator.set_params(
            **{
                key: self.value(value, f"{where}.params.{key}")
                for key, value in params.items()
            }
        )
        try:
            estimator._validate_params()
        except ValueError as error:
            raise ModelFileError(f"{where}.params: {error}") from None
        if content["fitted"] is not None:
            self.fitted(estimator, content["fitted"], f"{where}.fitted")
        return estimator

    def fitted(self, estimator, content, where):
        """Set the fitted attributes, checked, and rebuild the networks."""
        schema = SCHEMAS[type(estimator).__name__]
        optional = ["feature_names_in_"]
        optional += [
            key for key, version in ADDED_IN_VERSION.items() if self.version < version
        ]
        required = [key for key in schema if key not in optional]
        expect_keys(content, required, where, optional=optional)
        networks = {}
        for key, value in content.items():
            decoded = self.value(value, f"{where}.{key}")
            if not schema[key](decoded):
                raise ModelFileError(
                    f"{where}.{key}: unexpected value {decoded!r:.80}."
                )
            if key in estimator._keras_attributes:
                networks[key] = decoded
            else:
                setattr(estimator, key, decoded)
        _check_architecture(estimator, networks, where)
        estimator._set_networks(
            **{key: dense_stack_from_state(state) for key, state in networks.items()}
        )


# The fitted attributes of each class, and a check of each one's type.


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _is_int_tuple(value):
    return isinstance(value, tuple) and all(
        _is_int(item) and item > 0 for item in value
    )


def _is_history(value):
    return isinstance(value, dict) and all(
        isinstance(losses, list)
        and all(isinstance(loss, float | int) for loss in losses)
        for losses in value.values()
    )


def _is_names(value):
    return (
        isinstance(value, np.ndarray) and value.dtype.kind in "OU" and value.ndim == 1
    )


def _is_stack(value):
    return (
        isinstance(value, dict)
        and set(value) == STACK_KEYS
        and isinstance(value["name"], str)
        and isinstance(value["activations"], list)
        and all(name in (*ACTIVATIONS, "softmax") for name in value["activations"])
        and isinstance(value["weights"], list)
        and len(value["weights"]) == 2 * len(value["activations"]) > 0
        and all(isinstance(weight, np.ndarray) for weight in value["weights"])
    )


def _is_autoencoder(value):
    from ._autoencoder import DenseAutoencoder

    inner = getattr(value, "estimator", value)
    return isinstance(inner, DenseAutoencoder) and hasattr(inner, "n_features_in_")


_COMMON = {
    "sample_shape_": _is_int_tuple,
    "history_": _is_history,
    "n_iter_": _is_int,
    "best_epoch_": _is_int,
    "best_loss_": lambda value: isinstance(value, float) and value >= 0,
    "n_features_in_": _is_int,
    "feature_names_in_": _is_names,
}
SCHEMAS = {
    "DenseAutoencoder": {
        "encoder_": _is_stack,
        "decoder_": _is_stack,
        "hidden_layer_sizes_": _is_int_tuple,
        **_COMMON,
    },
    "LatentClassifier": {
        "autoencoder_": _is_autoencoder,
        "encoder_": _is_stack,
        "head_": _is_stack,
        "classes_": lambda value: isinstance(value, np.ndarray) and value.ndim == 1,
        **_COMMON,
    },
}


def _check_architecture(estimator, networks, where):
    """Check that the weights chain and match the estimator's other attributes."""
    n_features = estimator.n_features_in_
    if np.prod(estimator.sample_shape_) != n_features:
        raise ModelFileError(
            f"{where}: sample_shape_ {estimator.sample_shape_} does not hold "
            f"n_features_in_={n_features} values."
        )
    autoencoder = getattr(estimator, "autoencoder_", estimator)
    autoencoder = getattr(autoencoder, "estimator", autoencoder)
    if autoencoder.n_features_in_ != n_features:
        raise ModelFileError(f"{where}: autoencoder_ has another n_features_in_.")
    hidden = list(autoencoder.hidden_layer_sizes_)
    code = autoencoder.latent_dim
    expected = {"encoder_": [n_features, *hidden, code]}
    if "decoder_" in networks:
        expected["decoder_"] = [code, *hidden[::-1], n_features]
    else:
        head = _stack_widths(networks["head_"], f"{where}.head_")
        expected["head_"] = [code, *head[1:-1], len(estimator.classes_)]
    for name, widths in expected.items():
        found = _stack_widths(networks[name], f"{where}.{name}")
        if found != widths:
            raise ModelFileError(
                f"{where}.{name}: layer widths {found} do not match the "
                f"architecture {widths}."
            )


def _stack_widths(state, where):
    """Widths of a stack's input and of each layer, checking that shapes chain."""
    kernels, biases = state["weights"][0::2], state["weights"][1::2]
    widths = [kernels[0].shape[0] if kernels[0].ndim == 2 else None]
    for kernel, bias in zip(kernels, biases, strict=True):
        if (
            kernel.ndim != 2
            or kernel.shape[0] != widths[-1]
            or bias.shape != kernel.shape[1:]
            or kernel.dtype.kind != "f"
            or bias.dtype.kind != "f"
        ):
            raise ModelFileError(
                f"{where}: a layer of kernel {kernel.shape} {kernel.dtype} and "
                f"bias {bias.shape} {bias.dtype} after a width of {widths[-1]}."
            )
        widths.append(kernel.shape[1])
    return widths
