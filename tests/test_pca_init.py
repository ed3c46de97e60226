"""The PCA initialization reconstructs exactly as PCA."""

import numpy as np
import pytest
from sklearn.decomposition import PCA

from dense_autoencoder._networks import build_autoencoder, predict
from dense_autoencoder._pca_init import (
    pca_weights,
    principal_components,
    start_from_pca,
)


def _data(n_samples=80, n_features=30):
    rng = np.random.RandomState(0)
    # A decaying spectrum with gaps, like that of real data.
    scales = 3 * 0.8 ** np.arange(n_features)
    return rng.normal(size=(n_samples, n_features)) * scales + rng.rand(n_features)


@pytest.mark.parametrize("shape", [(80, 30), (1200, 1100)])
def test_components_are_pca_axes_up_to_sign(shape):
    # The second shape takes the randomized solver.
    X = _data(*shape)
    centred = X - X.mean(axis=0)
    components, coordinates = principal_components(centred, 5, np.random.RandomState(0))
    reference = PCA(5, svd_solver="full").fit(X).components_
    np.testing.assert_allclose(
        np.abs(np.sum(components * reference, axis=1)), 1, atol=1e-6
    )
    np.testing.assert_allclose(coordinates, centred @ components.T, atol=1e-9)


@pytest.mark.parametrize("hidden", [(), (20,), (16, 9)])
@pytest.mark.parametrize("latent_activation", ["linear", "relu"])
@pytest.mark.parametrize("activation", ["relu", "leaky_relu", "elu", "linear"])
def test_autoencoder_reconstructs_as_pca(hidden, latent_activation, activation):
    X = _data()
    mean = X.mean(axis=0)
    encoder, _, autoencoder = build_autoencoder(
        30,
        hidden,
        6,
        activation=activation,
        latent_activation=latent_activation,
        output_activation="linear",
        seeds=range(2 * len(hidden) + 2),
    )
    start_from_pca(
        autoencoder,
        X - mean,
        mean,
        6,
        np.random.RandomState(0),
        None,
        latent_activation=latent_activation,
    )
    _, coordinates = principal_components(X - mean, 6, np.random.RandomState(0))
    pca = PCA(6, svd_solver="full").fit(X)
    centred = (X - mean).astype(np.float32)
    np.testing.assert_allclose(
        predict(autoencoder, centred),
        pca.inverse_transform(pca.transform(X)),
        atol=1e-4,
    )
    codes = predict(encoder, centred)
    if latent_activation == "linear":
        np.testing.assert_allclose(codes, coordinates, atol=1e-4)
    else:
        # Shifted by a constant per unit, and so always positive.
        assert codes.min() > 0
        np.testing.assert_allclose(np.std(codes - coordinates, axis=0), 0, atol=1e-4)


def test_only_the_path_units_are_overwritten():
    X = _data()
    components, coordinates = principal_components(
        X - X.mean(axis=0), 4, np.random.RandomState(0)
    )
    _, _, autoencoder = build_autoencoder(
        30,
        (20,),
        6,
        activation="relu",
        latent_activation="linear",
        output_activation="linear",
        seeds=range(4),
    )
    before = autoencoder.get_weights()
    after = pca_weights(
        before, components, coordinates, X.mean(0), latent_activation="linear"
    )
    # The correction units keep their seeded incoming weights...
    np.testing.assert_allclose(after[0][:, 4:], before[0][:, 4:], rtol=1e-6)
    # ...and start silent: nothing reaches the output from them.
    assert not after[6][4:].any()
    assert after[6][:4].any()
