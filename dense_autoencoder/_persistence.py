"""Save and load estimators in the project's own file format, which runs no code.

A file is a zip archive of uncompressed members: ``metadata.json``, which holds
the format's version, the estimator's class, parameters and fitted attributes
as tagged JSON values, and one ``arrays/<n>.npy`` per array, read with
``allow_pickle=False``. Loading checks every member name, size, tag, key, type
and weight shape before it rebuilds the Keras networks with the library's own
builders: a file can describe an estimator, never run code.
"""

import io
import json
import os
import stat
import uuid
import zipfile
from numbers import Integral, Real

import numpy as np
from sklearn.frozen import FrozenEstimator

from ._file_schema import (
    ARRAY_KINDS,
    SCALARS,
    SCHEMAS,
    Decoder,
    ModelFileError,
    expect_keys,
)
from ._networks import dense_stack_state

FORMAT = "dense_autoencoder"
#: 2 added the fitted attributes ``best_epoch_`` and ``best_loss_``; 3, dicts
#: whose keys are not all strings, such as a ``class_weight`` by label.
FORMAT_VERSION = 3
_METADATA = "metadata.json"
_MAX_METADATA_BYTES = 64 * 2**20
_MAX_MEMBERS = 10_000


def save(estimator, path):
    """Write ``estimator`` to ``path`` in the project's own format.

    The file is written next to ``path`` under a temporary name and then
    renamed, so that ``path`` never holds half a file.
    """
    arrays = []
    metadata = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "library_version": _library_version(),
        "estimator": _encode_estimator(estimator, arrays),
    }
    text = json.dumps(metadata, allow_nan=True, sort_keys=True)
    # Beside the target, so that the rename is atomic; created by open, so
    # that the file gets the usual permissions.
    temporary = f"{os.fspath(path)}.{uuid.uuid4().hex}.partial"
    try:
        with open(temporary, "xb") as file, zipfile.ZipFile(file, "w") as archive:
            archive.writestr(_METADATA, text)
            for index, array in enumerate(arrays):
                buffer = io.BytesIO()
                np.lib.format.write_array(buffer, array, allow_pickle=False)
                archive.writestr(f"arrays/{index}.npy", buffer.getvalue())
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def load(path):
    """Load an estimator saved with its ``save`` method.

    The file is checked before anything in it is used: member names, sizes,
    the format's version, every key and value of its JSON, the dtype of every
    array (read without pickle) and the shape of every weight. Nothing in it
    is executed, and nothing is written to disk.

    Parameters
    ----------
    path : str or path-like
        A file written by :meth:`DenseAutoencoder.save` or
        :meth:`LatentClassifier.save`.

    Returns
    -------
    estimator : DenseAutoencoder or LatentClassifier
        The estimator, fitted if it was saved fitted; its outputs equal the
        saved one's bitwise.

    Raises
    ------
    ModelFileError
        When the file is not one that ``save`` writes, was written by a newer
        format version, or is unsafe: a pickle in place of an array, a member
        path outside the archive or a link, a compressed member (a zip bomb is
        refused before it is inflated), an unknown class or key, or weights
        whose shapes do not match the architecture.

    See Also
    --------
    DenseAutoencoder.save : Write an autoencoder to a file.
    LatentClassifier.save : Write a classifier to a file.

    Examples
    --------
    >>> import os, tempfile
    >>> from sklearn.datasets import load_digits
    >>> from dense_autoencoder import DenseAutoencoder, load
    >>> X = load_digits().data / 16
    >>> autoencoder = DenseAutoencoder(4, epochs=2, random_state=0).fit(X)
    >>> path = os.path.join(tempfile.mkdtemp(), "autoencoder.dae")
    >>> autoencoder.save(path)
    >>> load(path).transform(X[:2]).shape
    (2, 4)
    """
    with _open_archive(path) as archive:
        metadata = _read_metadata(archive)
        decoder = Decoder(archive, metadata["format_version"])
        return decoder.estimator(metadata["estimator"], "estimator")


def _library_version():
    from . import __version__

    return __version__


# Writing.


def _encode_estimator(estimator, arrays):
    """Tagged JSON of an estimator: class, parameters and fitted attributes."""
    if isinstance(estimator, FrozenEstimator):
        inner = _encode_estimator(estimator.estimator, arrays)
        return {"class": "FrozenEstimator", "estimator": inner}
    params = {
        key: _encode(value, arrays)
        for key, value in estimator.get_params(deep=False).items()
    }
    fitted = None
    if hasattr(estimator, "n_features_in_"):
        fitted = {}
        for key in SCHEMAS[type(estimator).__name__]:
            if hasattr(estimator, key):
                value = getattr(estimator, key)
                if key in estimator._keras_attributes:
                    state = dense_stack_state(value)
                    fitted[key] = {
                        "dense_stack": {
                            name: _encode(item, arrays) for name, item in state.items()
                        }
                    }
                else:
                    fitted[key] = _encode(value, arrays)
    return {"class": type(estimator).__name__, "params": params, "fitted": fitted}


def _encode(value, arrays):
    """Return a value as tagged JSON, appending its arrays to ``arrays``."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, Integral):
        return int(value)
    if isinstance(value, Real):
        return float(value)
    if isinstance(value, tuple):
        return {"tuple": [_encode(item, arrays) for item in value]}
    if isinstance(value, list):
        return [_encode(item, arrays) for item in value]
    if isinstance(value, dict) and all(isinstance(key, str) for key in value):
        return {"dict": {key: _encode(item, arrays) for key, item in value.items()}}
    if isinstance(value, dict):
        # JSON's keys are strings: pairs keep keys such as integer labels.
        keys = [_encode(key, arrays) for key in value]
        if not all(isinstance(key, SCALARS) for key in keys):
            raise TypeError(
                f"Cannot save the dict {value!r:.80}: the format holds dicts "
                "whose keys are numbers or strings."
            )
        items = [_encode(item, arrays) for item in value.values()]
        return {"pairs": [list(pair) for pair in zip(keys, items, strict=True)]}
    if isinstance(value, np.random.RandomState):
        _, keys, position, has_gauss, gauss = value.get_state()
        state = [_encode(keys, arrays), position, has_gauss, gauss]
        return {"random_state": state}
    if isinstance(value, np.ndarray) and value.dtype.kind == "O":
        return {"object_array": [_encode(item, arrays) for item in value.tolist()]}
    if isinstance(value, np.ndarray) and value.dtype.kind in ARRAY_KINDS:
        arrays.append(value)
        return {"array": f"arrays/{len(arrays) - 1}.npy"}
    if hasattr(value, "get_params"):
        return {"estimator": _encode_estimator(value, arrays)}
    raise TypeError(
        f"Cannot save a value of type {type(value).__name__}: {value!r}; the "
        "format holds numbers, strings, tuples, lists, dicts, arrays, NumPy "
        "random states and this library's estimators."
    )


# Reading: the archive.


def _open_archive(path):
    """Open ``path`` as a zip after checking each member's header, unread."""
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as error:
        raise ModelFileError(
            f"{path!r} is not a dense_autoencoder file: {error}."
        ) from None
    try:
        members = archive.infolist()
        size = os.path.getsize(path)
        if len(members) > _MAX_MEMBERS:
            raise ModelFileError(f"{path!r} has {len(members)} members, too many.")
        names = [member.filename for member in members]
        if len(set(names)) != len(names):
            raise ModelFileError(f"{path!r} has members with the same name.")
        for member in members:
            _check_member(member, path)
        # Members are stored: together they cannot be larger than the file.
        if sum(member.file_size for member in members) > size:
            raise ModelFileError(
                f"{path!r} declares more data than the file holds; refused."
            )
    except BaseException:
        archive.close()
        raise
    return archive


def _check_member(member, path):
    name = member.filename
    parts = name.replace("\\", "/").split("/")
    if name.startswith(("/", "\\")) or ":" in parts[0] or ".." in parts:
        raise ModelFileError(f"{path!r} has a member outside the archive: {name!r}.")
    if stat.S_ISLNK(member.external_attr >> 16):
        raise ModelFileError(f"{path!r} has a member that is a link: {name!r}.")
    if member.compress_type != zipfile.ZIP_STORED:
        raise ModelFileError(
            f"{path!r} has a compressed member {name!r} (method "
            f"{member.compress_type}): files written by save are stored "
            "uncompressed, and compressed members are refused unread, as a "
            "zip bomb would be."
        )
    if member.file_size != member.compress_size:
        raise ModelFileError(
            f"{path!r} declares {member.file_size} bytes for the stored member "
            f"{name!r}, which holds {member.compress_size}; refused."
        )


def _read_metadata(archive):
    try:
        member = archive.getinfo(_METADATA)
    except KeyError:
        raise ModelFileError(f"The file has no {_METADATA}.") from None
    if member.file_size > _MAX_METADATA_BYTES:
        raise ModelFileError(f"{_METADATA} of {member.file_size} bytes is too big.")
    try:
        metadata = json.loads(archive.read(member).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ModelFileError(f"{_METADATA} is not valid JSON: {error}.") from None
    expect_keys(
        metadata, {"format", "format_version", "library_version", "estimator"}, "file"
    )
    if metadata["format"] != FORMAT:
        raise ModelFileError(f"Not a {FORMAT} file: format {metadata['format']!r}.")
    version = metadata["format_version"]
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ModelFileError(f"Unknown format_version {version!r}.")
    if version > FORMAT_VERSION:
        raise ModelFileError(
            f"The file has format version {version}, written by dense_autoencoder "
            f"{metadata['library_version']!r}; this version "
            f"({_library_version()}) reads versions up to {FORMAT_VERSION}. "
            "Upgrade dense_autoencoder to load it."
        )
    return metadata
