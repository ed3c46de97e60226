"""
Quick start: an autoencoder on the digits
=========================================

Train a :class:`~dense_autoencoder.DenseAutoencoder` on scikit-learn's
embedded handwritten digits (8 x 8 images, no download), measure how well it
reconstructs held-out images, and use its 32-value codes as features for a
logistic regression in a :class:`~sklearn.pipeline.Pipeline`, then as the
frozen encoder of a :class:`~dense_autoencoder.LatentClassifier`.
PCA with the same number of components, and logistic regression on the raw
pixels, are printed beside it as anchors.

Figures are saved to ``--output-dir`` (default ``quickstart_figures``) and
shown when matplotlib has a display. With ``--smoke`` (or
``DENSE_AUTOENCODER_SMOKE=1``), every model trains for a couple of epochs
only, to check that the script runs.
"""

# %%
# Load and split the data
# -----------------------
import argparse
import os
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import mean_squared_error
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler

from dense_autoencoder import DenseAutoencoder, LatentClassifier
from dense_autoencoder.plotting import (
    plot_latent_codes,
    plot_latent_scatter,
    plot_loss_curves,
    plot_reconstructions,
)

parser = argparse.ArgumentParser(description="An autoencoder on the digits.")
parser.add_argument("--output-dir", default="quickstart_figures", type=Path)
parser.add_argument(
    "--smoke",
    action="store_true",
    default=bool(os.environ.get("DENSE_AUTOENCODER_SMOKE")),
)
args = parser.parse_args()
args.output_dir.mkdir(parents=True, exist_ok=True)
epochs = 2 if args.smoke else 100


def save(figure, name):
    """Save a figure to the output folder."""
    figure.savefig(args.output_dir / f"{name}.png", dpi=100)


X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
scaler = MinMaxScaler().fit(X_train)
X_train_scaled, X_test_scaled = scaler.transform(X_train), scaler.transform(X_test)

# %%
# Reconstruction error on held-out images
# ---------------------------------------
autoencoder = DenseAutoencoder(32, epochs=epochs, random_state=0)
autoencoder.fit(X_train_scaled)
reconstructed = autoencoder.inverse_transform(autoencoder.transform(X_test_scaled))
pca = PCA(32, random_state=0).fit(X_train_scaled)
pca_reconstructed = pca.inverse_transform(pca.transform(X_test_scaled))

print(f"epochs run: {autoencoder.n_iter_}")
print(
    f"test reconstruction MSE, DenseAutoencoder(32): "
    f"{mean_squared_error(X_test_scaled, reconstructed):.4f}"
)
print(
    f"test reconstruction MSE, PCA(32):              "
    f"{mean_squared_error(X_test_scaled, pca_reconstructed):.4f}"
)

# %%
# The loss of each epoch, test digits above their reconstructions, and their
# 32-value codes shown as 4 x 8 images:
save(plot_loss_curves(autoencoder).figure, "loss_curves")
save(
    plot_reconstructions(autoencoder, X_test_scaled, image_shape=(8, 8)),
    "reconstructions",
)
save(plot_latent_codes(autoencoder.transform(X_test_scaled)), "latent_codes")

# %%
# A code of two values can be drawn: each digit is a point, coloured by its
# label.
flat = DenseAutoencoder(2, epochs=epochs, random_state=0).fit(X_train_scaled)
save(plot_latent_scatter(flat.transform(X_test_scaled), y_test).figure, "latent_2d")

# %%
# The codes as features in a pipeline
# -----------------------------------
pipeline = make_pipeline(
    MinMaxScaler(),
    DenseAutoencoder(32, epochs=epochs, random_state=0),
    LogisticRegression(max_iter=1000),
)
pipeline.fit(X_train, y_train)
pixels = make_pipeline(MinMaxScaler(), LogisticRegression(max_iter=1000))
pixels.fit(X_train, y_train)

print(
    f"test accuracy, autoencoder codes + logistic regression: "
    f"{pipeline.score(X_test, y_test):.3f}"
)
print(
    f"test accuracy, raw pixels + logistic regression:        "
    f"{pixels.score(X_test, y_test):.3f}"
)

# %%
# The encoder and a trainable head: ``LatentClassifier``
# ------------------------------------------------------
# The classifier pre-trains its own autoencoder on the training images, then
# trains a head (the decoder's first hidden layer and a softmax) on the
# frozen codes.
classifier = make_pipeline(MinMaxScaler(), LatentClassifier(random_state=0))
if args.smoke:
    classifier.set_params(
        latentclassifier__autoencoder=DenseAutoencoder(420, epochs=epochs),
        latentclassifier__epochs=epochs,
    )
classifier.fit(X_train, y_train)

print(
    f"test accuracy, LatentClassifier():                      "
    f"{classifier.score(X_test, y_test):.3f}"
)

print(f"figures saved to {args.output_dir}")
if matplotlib.get_backend().lower() != "agg":
    plt.show()
