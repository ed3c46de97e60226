"""save / load in the project's own format, and the files it refuses."""

import io
import json
import pickle
import stat
import subprocess
import sys
import textwrap
import warnings
import zipfile
from pathlib import Path

import keras
import numpy as np
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.frozen import FrozenEstimator

from dense_autoencoder import DenseAutoencoder, LatentClassifier, ModelFileError, load

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def autoencoder(digits):
    X, _ = digits
    return DenseAutoencoder(4, epochs=2, random_state=0).fit(X[:200].reshape(-1, 8, 8))


@pytest.fixture(scope="module")
def classifier(digits, autoencoder):
    X, y = digits
    labels = np.array(["zero", "one", "two"])[y[:200] % 3]
    return LatentClassifier(FrozenEstimator(autoencoder), epochs=2, random_state=0).fit(
        X[:200], labels
    )


@pytest.fixture
def saved(tmp_path, autoencoder):
    path = tmp_path / "autoencoder.dae"
    autoencoder.save(path)
    return path


def _rewrite(path, replace=None, add=(), compress=zipfile.ZIP_STORED):
    """Copy the archive at ``path`` with members replaced or added; new path."""
    crafted = path.with_name("crafted.dae")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(crafted, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if replace and name in replace:
                data = replace[name](data)
            target.writestr(name, data, compress_type=compress)
        for info, data in add:
            target.writestr(info, data)
    return crafted


def _edit_metadata(path, edit):
    def rewrite(data):
        metadata = json.loads(data)
        edit(metadata)
        return json.dumps(metadata)

    return _rewrite(path, {"metadata.json": rewrite})


def _refused(path, match):
    """Assert that loading ``path`` is refused and writes nothing beside it."""
    before = sorted(path.parent.rglob("*"))
    with pytest.raises(ModelFileError, match=match):
        load(path)
    assert sorted(path.parent.rglob("*")) == before


# Round trips.


def test_fitted_autoencoder_round_trips_bitwise(saved, autoencoder, digits):
    X, _ = digits
    restored = load(saved)
    assert type(restored) is DenseAutoencoder
    assert restored.get_params() == autoencoder.get_params()
    for name in (
        "hidden_layer_sizes_",
        "sample_shape_",
        "history_",
        "n_iter_",
        "best_epoch_",
        "best_loss_",
    ):
        assert getattr(restored, name) == getattr(autoencoder, name)
    codes = autoencoder.transform(X)
    np.testing.assert_array_equal(restored.transform(X), codes)
    np.testing.assert_array_equal(
        restored.inverse_transform(codes), autoencoder.inverse_transform(codes)
    )
    for mine, theirs in zip(
        restored.decoder_.get_weights(), autoencoder.decoder_.get_weights(), strict=True
    ):
        np.testing.assert_array_equal(mine, theirs)


def test_fitted_classifier_round_trips_with_its_frozen_autoencoder(
    tmp_path, classifier, digits
):
    X, _ = digits
    classifier.save(tmp_path / "classifier.dae")
    restored = load(tmp_path / "classifier.dae")
    assert isinstance(restored.autoencoder, FrozenEstimator)
    assert isinstance(restored.autoencoder_, FrozenEstimator)
    np.testing.assert_array_equal(restored.classes_, classifier.classes_)
    np.testing.assert_array_equal(
        restored.predict_proba(X), classifier.predict_proba(X)
    )
    np.testing.assert_array_equal(restored.predict(X), classifier.predict(X))
    np.testing.assert_array_equal(
        restored.autoencoder_.transform(X), classifier.autoencoder_.transform(X)
    )


def test_object_labels_and_feature_names_round_trip(tmp_path, digits):
    pandas = pytest.importorskip("pandas")
    X, y = digits
    frame = pandas.DataFrame(X[:100], columns=[f"pixel{i}" for i in range(64)])
    labels = pandas.Series(np.array(["odd", "even"], dtype=object)[y[:100] % 2])
    classifier = LatentClassifier(DenseAutoencoder(3, epochs=1), epochs=1).fit(
        frame, labels
    )
    classifier.save(tmp_path / "classifier.dae")
    restored = load(tmp_path / "classifier.dae")
    assert restored.classes_.dtype == object
    assert restored.classes_.tolist() == ["even", "odd"]
    assert restored.feature_names_in_.tolist() == frame.columns.tolist()
    np.testing.assert_array_equal(restored.predict(frame), classifier.predict(frame))


def test_unfitted_estimators_round_trip_their_parameters(tmp_path):
    classifier = LatentClassifier(
        DenseAutoencoder(7, hidden_layer_sizes=(12, 9)), freeze_encoder=False
    )
    classifier.save(tmp_path / "unfitted.dae")
    restored = load(tmp_path / "unfitted.dae")
    assert not hasattr(restored, "n_features_in_")
    assert restored.autoencoder.get_params() == classifier.autoencoder.get_params()
    assert (
        restored.get_params(deep=False).keys()
        == classifier.get_params(deep=False).keys()
    )
    assert restored.freeze_encoder is False


def test_dict_keys_keep_their_type_and_others_are_refused(tmp_path):
    labels = {1: 2.0, "one": 3, 2.5: 1.5, False: 0.5}
    LatentClassifier(class_weight=labels).save(tmp_path / "weighted.dae")
    restored = load(tmp_path / "weighted.dae").class_weight
    assert restored == labels
    assert [type(key) for key in restored] == [type(key) for key in labels]
    with pytest.raises(TypeError, match="dicts whose keys are numbers or strings"):
        LatentClassifier(class_weight={(1, 2): 3.0}).save(tmp_path / "tuple.dae")
    assert not list(tmp_path.glob("tuple.dae*"))


def test_a_random_state_instance_keeps_its_state(tmp_path):
    generator = np.random.RandomState(5)
    generator.rand(3)
    DenseAutoencoder(random_state=generator).save(tmp_path / "seeded.dae")
    restored = load(tmp_path / "seeded.dae").random_state
    assert restored.rand() == generator.rand()


def test_the_file_holds_json_and_plain_arrays_stored_uncompressed(saved):
    with zipfile.ZipFile(saved) as archive:
        members = archive.infolist()
        metadata = json.loads(archive.read("metadata.json"))
    names = sorted(member.filename for member in members)
    assert names[-1] == "metadata.json"
    assert all(name.startswith("arrays/") for name in names[:-1])
    assert {member.compress_type for member in members} == {zipfile.ZIP_STORED}
    assert metadata["format"] == "dense_autoencoder"
    assert metadata["format_version"] == 3
    assert metadata["estimator"]["class"] == "DenseAutoencoder"


def test_a_file_of_format_version_1_still_loads():
    # Written once by version 0.1.0.dev0, before the noise and latent_l1
    # parameters existed, and kept: later versions must read it.
    restored = load(DATA / "autoencoder_v1.dae")
    expected = np.load(DATA / "autoencoder_v1_codes.npy")
    inputs = np.load(DATA / "autoencoder_v1_inputs.npy")
    np.testing.assert_array_equal(restored.transform(inputs), expected)
    # Version 1 did not record which epoch was kept.
    assert not hasattr(restored, "best_epoch_")
    assert not hasattr(restored, "best_loss_")


def test_a_file_of_version_2_must_say_which_epoch_was_kept(saved):
    def forget(metadata):
        del metadata["estimator"]["fitted"]["best_epoch_"]

    _refused(_edit_metadata(saved, forget), r"lacks keys \['best_epoch_'\]")

    def as_version_1(metadata):
        forget(metadata)
        metadata["format_version"] = 1
        del metadata["estimator"]["fitted"]["best_loss_"]

    assert not hasattr(load(_edit_metadata(saved, as_version_1)), "best_epoch_")


def test_parameters_missing_from_an_older_file_take_their_defaults(saved):
    def forget_noise(metadata):
        del metadata["estimator"]["params"]["noise"]

    restored = load(_edit_metadata(saved, forget_noise))
    assert restored.noise == DenseAutoencoder().noise


def test_save_leaves_no_file_when_it_fails(tmp_path):
    estimator = DenseAutoencoder(random_state=np.random.default_rng(0))
    with pytest.raises(TypeError, match="Cannot save a value of type Generator"):
        estimator.save(tmp_path / "never.dae")
    assert list(tmp_path.iterdir()) == []


def test_save_replaces_an_existing_file(tmp_path, autoencoder):
    path = tmp_path / "model.dae"
    DenseAutoencoder(3).save(path)
    autoencoder.save(path)
    assert hasattr(load(path), "encoder_")
    assert [entry.name for entry in tmp_path.iterdir()] == ["model.dae"]


# Export.


def test_export_encoder_is_a_standard_keras_model(tmp_path, autoencoder, digits):
    X, _ = digits
    path = tmp_path / "encoder.keras"
    with warnings.catch_warnings():
        # Keras's save warns under NumPy 2 that its weights' __array__ takes
        # no copy keyword; the export must not pass that on.
        warnings.simplefilter("error")
        autoencoder.export_encoder(path)
    model = keras.saving.load_model(path)
    codes = model.predict(X.astype(np.float32), verbose=0)
    np.testing.assert_allclose(codes, autoencoder.transform(X), atol=1e-5)


def test_export_encoder_needs_a_fitted_estimator_and_a_keras_path(
    tmp_path, autoencoder
):
    with pytest.raises(ValueError, match="must end in '.keras', got '.*model.h5'"):
        autoencoder.export_encoder(tmp_path / "model.h5")
    with pytest.raises(NotFittedError):
        DenseAutoencoder().export_encoder(tmp_path / "model.keras")


# Refusals.


class _Canary:
    """Unpickling this creates a file: a refused load must never do it."""

    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        return (open, (self.path, "w"))


@pytest.mark.parametrize("disguise", ["raw pickle", "npy of objects"])
def test_a_pickle_disguised_as_npy_never_runs(tmp_path, saved, disguise):
    canary = tmp_path / "canary"
    payload = _Canary(canary)
    if disguise == "raw pickle":
        data = pickle.dumps(payload)
    else:
        buffer = io.BytesIO()
        np.save(buffer, np.array([payload], dtype=object), allow_pickle=True)
        data = buffer.getvalue()
    assert not canary.exists()
    crafted = _rewrite(saved, {"arrays/0.npy": lambda _: data})
    _refused(crafted, "not a plain .npy array")
    assert not canary.exists()


@pytest.mark.parametrize("name", ["os.system", "FrozenEstimator2", "PCA"])
def test_an_unknown_class_is_refused(saved, name):
    def edit(metadata):
        metadata["estimator"]["class"] = name

    _refused(_edit_metadata(saved, edit), f"unknown class '{name}'")


@pytest.mark.parametrize(
    "edit, match",
    [
        (lambda m: m.update(extra=1), r"file has unknown keys \['extra'\]"),
        (
            lambda m: m["estimator"]["params"].update(command="rm"),
            r"params has unknown keys \['command'\]",
        ),
        (
            lambda m: m["estimator"]["fitted"].update(__class__="x"),
            r"fitted has unknown keys \['__class__'\]",
        ),
        (
            lambda m: m["estimator"]["fitted"].pop("n_iter_"),
            r"lacks keys \['n_iter_'\]",
        ),
        (
            lambda m: m["estimator"]["params"].update(latent_dim={"eval": "1"}),
            "unknown value tag 'eval'",
        ),
        (
            lambda m: m["estimator"]["params"].update(latent_dim={"pairs": [[1]]}),
            r"latent_dim\[0\]: not a \[key, value\] pair",
        ),
        (
            lambda m: m["estimator"]["params"].update(
                latent_dim={"pairs": [[1, 2.0], [1, 3.0]]}
            ),
            "latent_dim.1.: a bad or repeated key 1",
        ),
        (
            lambda m: m["estimator"]["params"].update(
                latent_dim={"pairs": [[{"tuple": [1]}, 2.0]]}
            ),
            "a bad or repeated key",
        ),
        (
            lambda m: m["estimator"]["params"].update(activation="rm -rf"),
            "The 'activation' parameter of DenseAutoencoder must be",
        ),
        (
            lambda m: m["estimator"]["fitted"].update(n_iter_="many"),
            "n_iter_: unexpected value 'many'",
        ),
        (
            lambda m: m["estimator"]["fitted"].update(best_loss_=-1.0),
            "best_loss_: unexpected value -1.0",
        ),
    ],
)
def test_unknown_keys_tags_and_values_are_refused(saved, edit, match):
    _refused(_edit_metadata(saved, edit), match)


@pytest.mark.parametrize(
    "name", ["../escape.npy", "/tmp/absolute.npy", "arrays/../../up.npy", "C:/x.npy"]
)
def test_members_outside_the_archive_are_refused(saved, name):
    crafted = _rewrite(saved, add=[(name, b"data")])
    _refused(crafted, "member outside the archive")


def test_a_link_member_is_refused(saved):
    link = zipfile.ZipInfo("arrays/link.npy")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    crafted = _rewrite(saved, add=[(link, b"/etc/passwd")])
    _refused(crafted, "member that is a link")


def test_a_zip_bomb_is_refused_before_it_is_inflated(saved, monkeypatch):
    bomb = zipfile.ZipInfo("arrays/bomb.npy")
    bomb.compress_type = zipfile.ZIP_DEFLATED
    crafted = _rewrite(saved, add=[(bomb, bytes(200 * 2**20))])
    assert crafted.stat().st_size < 2**20

    def never(*args, **kwargs):
        raise AssertionError("a member was read")

    monkeypatch.setattr(zipfile.ZipFile, "open", never)
    _refused(crafted, "compressed member 'arrays/bomb.npy'")


@pytest.mark.parametrize(
    "fields, match",
    [
        ((24,), r"declares \d+ bytes for the stored member 'metadata.json'"),
        ((20, 24), "declares more data than the file holds"),
    ],
)
def test_a_stored_member_that_lies_about_its_size_is_refused(saved, fields, match):
    raw = bytearray(saved.read_bytes())
    # Multiply the size that the central directory declares for metadata.json.
    entry = raw.find(b"PK\x01\x02")
    while entry != -1:
        name_length = int.from_bytes(raw[entry + 28 : entry + 30], "little")
        if raw[entry + 46 : entry + 46 + name_length] == b"metadata.json":
            # Offsets 20 and 24: the compressed and uncompressed sizes.
            for field in fields:
                size = int.from_bytes(raw[entry + field : entry + field + 4], "little")
                raw[entry + field : entry + field + 4] = (size * 1000).to_bytes(
                    4, "little"
                )
        entry = raw.find(b"PK\x01\x02", entry + 4)
    crafted = saved.with_name("crafted.dae")
    crafted.write_bytes(bytes(raw))
    _refused(crafted, match)


@pytest.mark.parametrize(
    "member, shape, match",
    [
        ("arrays/0.npy", (3, 3), "do not match|a layer of kernel"),
        ("arrays/1.npy", (2,), "a layer of kernel"),
    ],
)
def test_weights_that_do_not_fit_the_architecture_are_refused(
    saved, member, shape, match
):
    def reshape(_):
        buffer = io.BytesIO()
        np.save(buffer, np.zeros(shape, dtype=np.float32))
        return buffer.getvalue()

    _refused(_rewrite(saved, {member: reshape}), match)


def test_a_consistent_but_foreign_architecture_is_refused(tmp_path, saved, digits):
    # A wider code, complete and self-consistent, under the saved parameters.
    X, _ = digits
    DenseAutoencoder(6, epochs=1).fit(X[:50].reshape(-1, 8, 8)).save(
        tmp_path / "wider.dae"
    )

    def narrow(metadata):
        metadata["estimator"]["params"]["latent_dim"] = 4

    _refused(
        _edit_metadata(tmp_path / "wider.dae", narrow),
        r"encoder_: layer widths \[64, 32, 6\] do not match the architecture "
        r"\[64, 32, 4\]",
    )


@pytest.mark.parametrize(
    "edit, match",
    [
        (lambda m: m.update(format_version=4), "format version 4.*Upgrade"),
        (lambda m: m.update(format_version=0), "Unknown format_version 0"),
        (lambda m: m.update(format="keras"), "Not a dense_autoencoder file"),
    ],
)
def test_other_versions_and_formats_fail_clearly(saved, edit, match):
    _refused(_edit_metadata(saved, edit), match)


def test_a_file_that_is_not_a_zip_is_refused(tmp_path):
    path = tmp_path / "model.dae"
    path.write_bytes(pickle.dumps({"a": 1}))
    _refused(path, "is not a dense_autoencoder file")


# Pickle, joblib and deepcopy of the classifier, with string labels.


def test_classifier_round_trips_bitwise(classifier, digits, round_trip):
    X, _ = digits
    restored = round_trip(classifier)
    np.testing.assert_array_equal(
        restored.predict_proba(X), classifier.predict_proba(X)
    )
    np.testing.assert_array_equal(restored.predict(X), classifier.predict(X))
    np.testing.assert_array_equal(restored.classes_, classifier.classes_)
    assert restored.history_ == classifier.history_
    assert restored.get_params().keys() == classifier.get_params().keys()


def test_importing_the_library_patches_nothing_in_keras():
    script = textwrap.dedent(
        """
        import keras

        def snapshot():
            objects = [keras, keras.Model, keras.Sequential, keras.layers.Dense,
                       keras.optimizers.Adam, keras.saving, keras.ops]
            state = {(id(o), name): id(value) for o in objects
                     for name, value in vars(o).items()}
            return state, dict(keras.saving.get_custom_objects())

        before = snapshot()
        import dense_autoencoder
        print(before == snapshot())
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "True"
