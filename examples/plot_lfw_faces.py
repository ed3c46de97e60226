"""
Faces: the reference article's workflow
=======================================

The whole workflow of the tutorial article this library grew from, on Labeled
Faces in the Wild: load the faces of the 5 people with at least 100 images,
train a :class:`~dense_autoencoder.DenseAutoencoder` with the article's 420-value
code, look at its loss curves, reconstructions and codes, then classify the
faces with a :class:`~dense_autoencoder.LatentClassifier` on the frozen encoder,
and compare both with PCA at the same latent size.

The data (about 200 MB) are downloaded by scikit-learn on first use. For a
local copy, run ``python plot_lfw_faces.py --data-home DIR`` where ``DIR``
holds ``lfw_home``, or set the ``SCIKIT_LEARN_DATA`` environment variable.
Figures are saved to ``--output-dir`` and shown when matplotlib has a
display. With ``--smoke`` (or ``DENSE_AUTOENCODER_SMOKE=1``), every model
trains for a couple of epochs only, to check that the script runs.
"""

# %%
# Settings
# --------
import argparse
import os
import time
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
from sklearn.datasets import fetch_lfw_people, get_data_home
from sklearn.decomposition import PCA
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import ConfusionMatrixDisplay, mean_squared_error
from sklearn.model_selection import train_test_split

from dense_autoencoder import DenseAutoencoder, LatentClassifier
from dense_autoencoder.plotting import (
    plot_latent_codes,
    plot_loss_curves,
    plot_reconstructions,
)

parser = argparse.ArgumentParser(description="The article's workflow on LFW faces.")
parser.add_argument("--data-home", help="folder holding lfw_home (default: download)")
parser.add_argument("--output-dir", default="lfw_faces_figures", type=Path)
parser.add_argument(
    "--smoke",
    action="store_true",
    default=bool(os.environ.get("DENSE_AUTOENCODER_SMOKE")),
    help="train for a couple of epochs only",
)
args = parser.parse_args()
args.output_dir.mkdir(parents=True, exist_ok=True)
autoencoder_epochs, classifier_epochs = (2, 3) if args.smoke else (100, 150)
started = time.perf_counter()


def save(figure, name):
    """Save a figure to the output folder."""
    figure.savefig(args.output_dir / f"{name}.png", dpi=100)


# %%
# Load the faces
# --------------
# Recent scikit-learn returns the pixels already scaled to [0, 1]: unlike the
# article, do not divide them by 255 again.
try:
    faces = fetch_lfw_people(
        data_home=args.data_home, min_faces_per_person=100, resize=0.5
    )
except OSError as error:
    raise SystemExit(
        f"LFW is not in {args.data_home or get_data_home()} and could not be "
        f"downloaded ({error}); run again where the network is reachable, or "
        "pass --data-home DIR with a folder that holds lfw_home."
    ) from None

X, y, names = faces.images, faces.target, faces.target_names
print(f"{X.shape[0]} images of {X.shape[1]} x {X.shape[2]} pixels, {len(names)} people")

figure, axes = plt.subplots(2, 5, figsize=(8, 4.2), layout="constrained")
for ax, image, label in zip(axes.ravel(), X, y, strict=False):
    ax.imshow(image, cmap="gray")
    ax.set_title(names[label].split()[-1], fontsize=9)
    ax.set_axis_off()
figure.suptitle("The first faces and their names")
save(figure, "first_faces")

# %%
# Split 75/25 and train the autoencoder
# -------------------------------------
# ``DenseAutoencoder(420)`` builds the article's network: 2,914 pixels, a
# hidden layer of 1,457 units, a 420-value code, and back. It starts from PCA
# and stops once the validation error stops improving, so it needs far fewer
# epochs than the article's 100.
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, random_state=0
)
autoencoder = DenseAutoencoder(420, epochs=autoencoder_epochs, random_state=0)
fit_started = time.perf_counter()
autoencoder.fit(X_train)
print(
    f"autoencoder: {autoencoder.n_iter_} epochs in "
    f"{time.perf_counter() - fit_started:.1f} s; kept the weights of epoch "
    f"{autoencoder.best_epoch_} (0: the PCA start)"
)
# The star marks the kept weights: on these 855 faces no epoch beats the PCA
# start, and early stopping gives it back. A log scale shows how far below the
# curves it sits.
loss_axes = plot_loss_curves(autoencoder)
loss_axes.set_yscale("log")
save(loss_axes.figure, "loss_curves")

# %%
# Reconstructions, beside PCA with as many components
# ---------------------------------------------------
flat_train, flat_test = (
    X_train.reshape(len(X_train), -1),
    X_test.reshape(len(X_test), -1),
)
pca = PCA(420, random_state=0).fit(flat_train)
reconstructed = autoencoder.inverse_transform(autoencoder.transform(X_test))
autoencoder_mse = mean_squared_error(flat_test, reconstructed.reshape(len(X_test), -1))
pca_mse = mean_squared_error(flat_test, pca.inverse_transform(pca.transform(flat_test)))
print(f"test reconstruction MSE, DenseAutoencoder(420): {autoencoder_mse:.5f}")
print(f"test reconstruction MSE, PCA(420):              {pca_mse:.5f}")
save(plot_reconstructions(autoencoder, X_test), "reconstructions")
save(
    plot_reconstructions(pca, flat_test, image_shape=X.shape[1:]),
    "pca_reconstructions",
)

# %%
# The latent codes as images
# --------------------------
# Each face becomes 420 numbers, shown as a 20 x 21 image as in the article.
save(plot_latent_codes(autoencoder.transform(X_test)), "latent_codes")

# %%
# A classifier on the frozen encoder
# ----------------------------------
# The article's classifier: the trained encoder, frozen, then the decoder's
# first hidden layer (starting from its trained weights) and a softmax.
# ``FrozenEstimator`` hands over the autoencoder trained above as it is.
classifier = LatentClassifier(
    FrozenEstimator(autoencoder), epochs=classifier_epochs, random_state=0
)
classifier.fit(X_train, y_train)
train_accuracy = classifier.score(X_train, y_train)
test_accuracy = classifier.score(X_test, y_test)
print(f"LatentClassifier train accuracy: {train_accuracy:.3f}")
print(f"LatentClassifier test accuracy:  {test_accuracy:.3f}")
pca_codes = LogisticRegression(max_iter=2000).fit(pca.transform(flat_train), y_train)
print(
    "PCA(420) codes + logistic regression, test accuracy: "
    f"{pca_codes.score(pca.transform(flat_test), y_test):.3f}"
)

figure, ax = plt.subplots(figsize=(6, 5), layout="constrained")
ConfusionMatrixDisplay.from_estimator(
    classifier,
    X_test,
    y_test,
    display_labels=[name.split()[-1] for name in names],
    xticks_rotation=45,
    ax=ax,
)
ax.set_title(f"LatentClassifier on test faces: accuracy {test_accuracy:.3f}")
save(figure, "confusion_matrix")

print(f"wall time: {time.perf_counter() - started:.0f} s")
print(f"figures saved to {args.output_dir}")
if matplotlib.get_backend().lower() != "agg":
    plt.show()
