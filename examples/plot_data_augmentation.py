"""
New samples from perturbed codes
================================

An autoencoder can make new samples for data augmentation: encode real ones,
perturb their codes, and decode. This example trains a
:class:`~dense_autoencoder.DenseAutoencoder` on the digits, makes 10 new
versions of each of 100 labelled digits by adding noise of a fraction of each
code's spread, and trains a logistic regression on the 100 digits alone and
with their new versions (which keep their labels). The new samples are shown
beside the originals, and scored with ``score_samples``. With ``--smoke`` (or
``DENSE_AUTOENCODER_SMOKE=1``), the autoencoder trains for a couple of epochs
only.
"""

# %%
# Settings and data
# -----------------
import argparse
import os
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

from dense_autoencoder import DenseAutoencoder

parser = argparse.ArgumentParser(description="Data augmentation on the digits.")
parser.add_argument("--output-dir", default="data_augmentation_figures", type=Path)
parser.add_argument(
    "--smoke",
    action="store_true",
    default=bool(os.environ.get("DENSE_AUTOENCODER_SMOKE")),
)
args = parser.parse_args()
args.output_dir.mkdir(parents=True, exist_ok=True)
epochs = 2 if args.smoke else 100

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X / 16, y, random_state=0)
labelled, labels = X_train[:100], y_train[:100]

# %%
# Decode perturbed codes
# ----------------------
# The autoencoder learns from all training digits, labelled or not.
autoencoder = DenseAutoencoder(16, epochs=epochs, random_state=0).fit(X_train)
codes = autoencoder.transform(labelled)
spread = autoencoder.transform(X_train).std(axis=0)
rng = np.random.default_rng(0)
copies = 10
perturbed = np.repeat(codes, copies, axis=0) + 0.3 * spread * rng.standard_normal(
    (len(codes) * copies, codes.shape[1])
)
new = np.clip(autoencoder.inverse_transform(perturbed), 0, 1)
new_labels = np.repeat(labels, copies)
print(
    f"score_samples, real digits: {autoencoder.score_samples(X_test).mean():.4f}; "
    f"new ones: {autoencoder.score_samples(new).mean():.4f}"
)

# %%
# Train on 100 digits, with and without their new versions
# --------------------------------------------------------
alone = LogisticRegression(max_iter=2000).fit(labelled, labels)
augmented = LogisticRegression(max_iter=2000).fit(
    np.vstack([labelled, new]), np.r_[labels, new_labels]
)
print(
    f"test accuracy, 100 labelled digits:             {alone.score(X_test, y_test):.3f}"
)
print(
    "test accuracy, with 1,000 new versions of them: "
    f"{augmented.score(X_test, y_test):.3f}"
)

# %%
# Originals and new versions
# --------------------------
figure, axes = plt.subplots(4, 8, figsize=(8, 4.4), layout="constrained")
for row in range(4):
    images = [labelled[row], *new[row * copies : row * copies + 7]]
    for ax, image in zip(axes[row], images, strict=True):
        ax.imshow(image.reshape(8, 8), cmap="gray", vmin=0, vmax=1)
        ax.set_axis_off()
    axes[row, 0].set_title("original" if row == 0 else "", fontsize=9)
figure.suptitle("Each row: a digit, then new versions decoded from perturbed codes")
figure.savefig(args.output_dir / "new_samples.png", dpi=100)

print(f"figures saved to {args.output_dir}")
if matplotlib.get_backend().lower() != "agg":
    plt.show()
