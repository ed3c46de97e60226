"""
Anomaly detection with the reconstruction error
===============================================

An autoencoder reconstructs well what looks like its training data, and badly
what does not. :meth:`~dense_autoencoder.DenseAutoencoder.score_samples`
returns each sample's negative reconstruction error, so low scores flag
anomalies.

A :class:`~dense_autoencoder.DenseAutoencoder` learns the digits 0 to 4; it
then scores held-out digits 0 to 4 next to two kinds of anomalies: the digits
5 to 9, which it never saw, and held-out digits 0 to 4 turned by 90 degrees.
The area under the ROC curve of the score measures how well it tells them apart,
beside the reconstruction error of PCA with as many components. With
``--smoke`` (or ``DENSE_AUTOENCODER_SMOKE=1``), the autoencoder trains for a
couple of epochs only, to check that the script runs.
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
from sklearn.decomposition import PCA
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split

from dense_autoencoder import DenseAutoencoder

parser = argparse.ArgumentParser(description="Anomaly detection on the digits.")
parser.add_argument("--output-dir", default="anomaly_detection_figures", type=Path)
parser.add_argument(
    "--smoke",
    action="store_true",
    default=bool(os.environ.get("DENSE_AUTOENCODER_SMOKE")),
)
args = parser.parse_args()
args.output_dir.mkdir(parents=True, exist_ok=True)
epochs = 2 if args.smoke else 100

X, y = load_digits(return_X_y=True)
seen = y < 5
X_train, X_test = train_test_split(X[seen] / 16, random_state=0)
normal, turned = np.array_split(X_test, 2)
turned = np.rot90(turned.reshape(-1, 8, 8), axes=(1, 2)).reshape(-1, 64)
unseen = X[~seen] / 16

# %%
# Score held-out digits and anomalies
# -----------------------------------
autoencoder = DenseAutoencoder(16, epochs=epochs, random_state=0).fit(X_train)
pca = PCA(16, random_state=0).fit(X_train)


def pca_score(samples):
    """Negative reconstruction MSE of each sample by PCA."""
    reconstructed = pca.inverse_transform(pca.transform(samples))
    return -np.mean((samples - reconstructed) ** 2, axis=1)


groups = {
    "held-out digits": normal,
    "digits 5 to 9": unseen,
    "turned 90 degrees": turned,
}
scores = {name: autoencoder.score_samples(samples) for name, samples in groups.items()}
for name in ("digits 5 to 9", "turned 90 degrees"):
    is_anomaly = np.r_[np.zeros(len(normal)), np.ones(len(groups[name]))]
    # roc_auc_score wants higher for anomalies: the reconstruction error.
    ours = roc_auc_score(is_anomaly, -np.r_[scores["held-out digits"], scores[name]])
    anchor = roc_auc_score(
        is_anomaly, -np.r_[pca_score(normal), pca_score(groups[name])]
    )
    print(f"ROC AUC, {name:<18} DenseAutoencoder(16) {ours:.3f}   PCA(16) {anchor:.3f}")

# %%
# The scores, and the least typical held-out digits
# -------------------------------------------------
figure, ax = plt.subplots(layout="constrained")
bins = np.linspace(min(map(np.min, scores.values())), 0, 40)
for name, values in scores.items():
    ax.hist(values, bins=bins, density=True, alpha=0.6, label=name)
ax.set_xlabel("score_samples: negative reconstruction MSE")
ax.set_ylabel("density")
ax.set_title("Anomalies score lower")
ax.legend()
figure.savefig(args.output_dir / "score_histogram.png", dpi=100)

worst = np.argsort(scores["held-out digits"])[:8]
figure, axes = plt.subplots(1, 8, figsize=(9, 1.8), layout="constrained")
for ax, row in zip(axes, worst, strict=True):
    ax.imshow(normal[row].reshape(8, 8), cmap="gray")
    ax.set_title(f"{scores['held-out digits'][row]:.3f}", fontsize=9)
    ax.set_axis_off()
figure.suptitle("The held-out digits the autoencoder finds least typical")
figure.savefig(args.output_dir / "least_typical.png", dpi=100)

print(f"figures saved to {args.output_dir}")
if matplotlib.get_backend().lower() != "agg":
    plt.show()
