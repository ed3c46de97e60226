import matplotlib
import numpy as np
import pytest
from matplotlib.image import AxesImage
from sklearn.decomposition import PCA
from sklearn.model_selection import GridSearchCV

from dense_autoencoder import DenseAutoencoder, LatentClassifier
from dense_autoencoder.plotting import (
    code_image_shape,
    plot_latent_codes,
    plot_latent_scatter,
    plot_latent_sweep,
    plot_loss_curves,
    plot_reconstructions,
)

matplotlib.use("Agg")
plt = matplotlib.pyplot


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def autoencoder(digits):
    X, _ = digits
    return DenseAutoencoder(8, epochs=4, init="random", random_state=0).fit(
        X[:300].reshape(-1, 8, 8)
    )


@pytest.mark.parametrize(
    "n_values, shape",
    [(420, (20, 21)), (64, (8, 8)), (32, (4, 8)), (2, (1, 2)), (1, (1, 1))],
)
def test_code_image_shape_is_the_squarest_factor_pair(n_values, shape):
    assert code_image_shape(n_values) == shape


@pytest.mark.parametrize("n_values, shape", [(31, (6, 6)), (3, (2, 2)), (22, (5, 5))])
def test_code_image_shape_pads_sizes_without_a_near_square_factor_pair(n_values, shape):
    rows, columns = code_image_shape(n_values)
    assert (rows, columns) == shape
    # The smallest near-square grid: one row fewer would not hold the values.
    assert (rows - 1) * columns < n_values <= rows * columns


@pytest.mark.parametrize("bad", [0, -3, 2.5])
def test_code_image_shape_names_a_bad_size(bad):
    with pytest.raises(ValueError, match=f"got {bad}"):
        code_image_shape(bad)


def test_loss_curves_draw_the_history_of_an_autoencoder(autoencoder):
    ax = plot_loss_curves(autoencoder)
    training, validation, kept = ax.get_lines()
    history = autoencoder.history_
    np.testing.assert_array_equal(training.get_ydata(), history["loss"])
    np.testing.assert_array_equal(validation.get_ydata(), history["val_loss"])
    np.testing.assert_array_equal(
        training.get_xdata(), np.arange(1, len(history["loss"]) + 1)
    )
    assert ax.get_ylabel() == "reconstruction error (MSE)"
    assert [text.get_text() for text in ax.get_legend().get_texts()] == [
        "training",
        "validation",
        f"kept weights (epoch {autoencoder.best_epoch_})",
    ]
    assert kept.get_marker() == "*"
    assert (kept.get_xdata()[0], kept.get_ydata()[0]) == (
        autoencoder.best_epoch_,
        autoencoder.best_loss_,
    )


def test_loss_curves_mark_a_kept_start_at_epoch_0(digits):
    X = digits[0][:300]
    # Every epoch is worse than the PCA start, which early stopping gives back.
    autoencoder = DenseAutoencoder(
        6, init="pca", learning_rate_init=0.1, epochs=3, random_state=0
    ).fit(X)
    kept = plot_loss_curves(autoencoder).get_lines()[-1]
    assert kept.get_label() == "kept weights (epoch 0)"
    np.testing.assert_array_equal(kept.get_xdata(), [0])
    assert kept.get_ydata()[0] < min(autoencoder.history_["val_loss"])


def test_loss_curves_put_fine_tuning_after_the_head(digits, autoencoder):
    X, y = digits
    classifier = LatentClassifier(
        autoencoder,
        freeze_encoder=False,
        epochs=3,
        fine_tune_epochs=2,
        validation_fraction=0.1,
        early_stopping=False,
        random_state=0,
    ).fit(X[:300].reshape(-1, 8, 8), y[:300])
    fig, ax = plt.subplots()
    assert plot_loss_curves(classifier, ax=ax) is ax
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert set(lines) == {
        "training",
        "validation",
        "fine-tuning, training",
        "fine-tuning, validation",
        "kept weights (epoch 5)",
    }
    np.testing.assert_array_equal(lines["fine-tuning, training"].get_xdata(), [4, 5])
    assert lines["fine-tuning, training"].get_linestyle() == "--"
    assert ax.get_ylabel() == "cross-entropy"


def test_loss_curves_without_validation_draw_one_line():
    ax = plot_loss_curves({"loss": [3.0, 2.0]})
    assert len(ax.get_lines()) == 1
    assert ax.get_ylabel() == "loss"


@pytest.mark.parametrize("bad", [{}, {"loss": []}, DenseAutoencoder(4)])
def test_loss_curves_refuse_what_has_no_history(bad):
    with pytest.raises(ValueError, match="non-empty 'loss'"):
        plot_loss_curves(bad)


def test_reconstructions_show_originals_above_their_reconstructions(
    digits, autoencoder
):
    X, _ = digits
    images = X[300:305].reshape(-1, 8, 8)
    fig = plot_reconstructions(autoencoder, images, n_images=5)
    shown = [ax.images[0].get_array() for ax in fig.axes]
    assert len(fig.axes) == 10
    assert all(len(ax.images) == 1 for ax in fig.axes)
    np.testing.assert_allclose(shown[:5], images)
    expected = autoencoder.inverse_transform(autoencoder.transform(images))
    np.testing.assert_allclose(shown[5:], expected, rtol=1e-6)
    assert fig.axes[0].get_ylabel() == "original"
    assert fig.axes[5].get_ylabel() == "reconstructed"
    assert fig.get_suptitle() == "Reconstructions by DenseAutoencoder"
    # A pair shares its colour scale, so that the two can be compared.
    assert fig.axes[0].images[0].get_clim() == fig.axes[5].images[0].get_clim()


def test_reconstructions_of_flat_samples_take_the_fitted_image_shape(
    digits, autoencoder
):
    X, _ = digits
    fig = plot_reconstructions(autoencoder, X[:3], n_images=10)
    assert len(fig.axes) == 6
    assert fig.axes[0].images[0].get_array().shape == (8, 8)


def test_reconstructions_work_for_pca_with_an_image_shape(digits):
    X, _ = digits
    fig = plot_reconstructions(PCA(4).fit(X), X, n_images=2, image_shape=(4, 16))
    assert fig.axes[0].images[0].get_array().shape == (4, 16)
    assert fig.get_suptitle() == "Reconstructions by PCA"


def test_reconstructions_reuse_a_given_figure(digits, autoencoder):
    X, _ = digits
    fig = plt.figure()
    fig.add_subplot()
    assert plot_reconstructions(autoencoder, X[:4], n_images=2, fig=fig) is fig
    assert len(fig.axes) == 4


def test_latent_codes_are_images_of_the_near_square_shape():
    codes = np.arange(3 * 31, dtype=float).reshape(3, 31)
    fig = plot_latent_codes(codes, n_codes=5)
    images = [image for ax in fig.axes for image in ax.get_children()]
    images = [image for image in images if isinstance(image, AxesImage)]
    assert len(images) == 3
    first = images[0].get_array()
    assert first.shape == (6, 6)
    np.testing.assert_array_equal(first.ravel()[:31], codes[0])
    # The cells past the last value are blank: matplotlib masks their NaN.
    assert np.ma.getmaskarray(first).ravel().tolist() == [False] * 31 + [True] * 5
    # One colour scale for all codes, shown by a colour bar.
    assert {image.get_clim() for image in images} == {(0.0, 92.0)}
    assert len(fig.axes) == 4
    assert fig.get_suptitle() == "Latent codes: 31 values as 6 x 6 images"


def test_latent_codes_of_an_autoencoder_in_the_article_shape(digits):
    X, _ = digits
    autoencoder = DenseAutoencoder(420, epochs=1, random_state=0).fit(X[:100])
    fig = plot_latent_codes(autoencoder.transform(X[:4]), n_codes=4)
    assert fig.axes[0].images[0].get_array().shape == (20, 21)


def test_latent_codes_refuse_a_shape_too_small():
    with pytest.raises(ValueError, match=r"code_shape \(2, 2\) has 4 cells"):
        plot_latent_codes(np.zeros((2, 5)), code_shape=(2, 2))


def test_latent_scatter_gives_each_class_its_own_colour():
    codes = np.array([[0.0, 1.0, 5.0], [1.0, 2.0, 6.0], [2.0, 3.0, 7.0]])
    ax = plot_latent_scatter(codes, ["b", "a", "b"], dims=(2, 0))
    first, second = ax.collections
    np.testing.assert_array_equal(first.get_offsets(), [[6.0, 1.0]])
    np.testing.assert_array_equal(second.get_offsets(), [[5.0, 0.0], [7.0, 2.0]])
    assert [text.get_text() for text in ax.get_legend().get_texts()] == ["a", "b"]
    assert first.get_facecolor().tolist() != second.get_facecolor().tolist()
    assert ax.get_xlabel() == "latent dimension 2"


def test_latent_scatter_without_labels_has_no_legend():
    ax = plot_latent_scatter(np.zeros((4, 2)))
    assert len(ax.collections) == 1
    assert ax.get_legend() is None


@pytest.mark.parametrize(
    "codes, dims, message",
    [
        (np.zeros((4, 1)), (0, 1), "at least 2 latent dimensions"),
        (np.zeros((4, 3)), (0, 3), r"in \[0, 2\], got \(0, 3\)"),
        (np.zeros((4, 3)), (1, 1), r"got \(1, 1\)"),
    ],
)
def test_latent_scatter_names_bad_codes_or_dims(codes, dims, message):
    with pytest.raises(ValueError, match=message):
        plot_latent_scatter(codes, dims=dims)


def test_latent_sweep_from_a_grid_search(digits):
    X, _ = digits
    search = GridSearchCV(
        DenseAutoencoder(2, epochs=2, init="random", random_state=0),
        {"latent_dim": [16, 2, 4]},
        cv=2,
        return_train_score=True,
    ).fit(X[:200])
    ax = plot_latent_sweep(search)
    lines = {line.get_label(): line for line in ax.get_lines()}
    training, best = lines["training"], lines["best"]
    (errorbars,) = ax.containers
    assert errorbars.get_label() == "test"
    test = errorbars.lines[0]
    order = np.argsort(search.cv_results_["param_latent_dim"].data.astype(int))
    np.testing.assert_array_equal(test.get_xdata(), [2, 4, 16])
    np.testing.assert_allclose(
        test.get_ydata(), search.cv_results_["mean_test_score"][order]
    )
    np.testing.assert_allclose(
        training.get_ydata(), search.cv_results_["mean_train_score"][order]
    )
    assert best.get_xdata()[0] == search.best_params_["latent_dim"]
    assert ax.get_xlabel() == "latent_dim"
    assert ax.get_xscale() == "log"


def test_latent_sweep_shows_the_best_candidate_of_each_size():
    results = {
        "param_autoencoder__latent_dim": [8, 8, 32, 32],
        "param_epochs": [1, 2, 1, 2],
        "mean_test_score": [0.5, 0.7, 0.9, 0.6],
        "std_test_score": [0.1, 0.2, 0.3, 0.4],
    }
    ax = plot_latent_sweep(results)
    test = ax.get_lines()[0]
    np.testing.assert_array_equal(test.get_xdata(), [8, 32])
    np.testing.assert_array_equal(test.get_ydata(), [0.7, 0.9])
    assert ax.get_xscale() == "linear"
    assert ax.get_xlabel() == "autoencoder__latent_dim"


def test_latent_sweep_asks_for_param_when_it_cannot_tell():
    results = {"param_a__latent_dim": [1], "param_b__latent_dim": [1]}
    with pytest.raises(ValueError, match="Pass param=: cv_results_ has 2"):
        plot_latent_sweep(results)
    with pytest.raises(ValueError, match="'param_c' is not a key"):
        plot_latent_sweep(results, param="param_c")
