"""
Choosing the code size with GridSearchCV
========================================

Two ways to choose ``latent_dim`` on scikit-learn's digits:

- with no labels, a :class:`~sklearn.model_selection.GridSearchCV` over a
  :class:`~dense_autoencoder.DenseAutoencoder` alone, scored by its ``score``
  (the negative reconstruction error on held-out folds);
- with labels, a search over ``autoencoder__latent_dim`` inside a
  :class:`~sklearn.pipeline.Pipeline` that feeds the codes to a logistic
  regression, scored by accuracy.

:func:`~dense_autoencoder.plotting.plot_latent_sweep` draws each search's score
against the code size. With ``--smoke`` (or ``DENSE_AUTOENCODER_SMOKE=1``),
the models train for a couple of epochs only, to check that the script runs.
"""

# %%
# Settings and data
# -----------------
import argparse
import os
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import Pipeline

from dense_autoencoder import DenseAutoencoder
from dense_autoencoder.plotting import plot_latent_sweep

parser = argparse.ArgumentParser(description="Choose latent_dim with GridSearchCV.")
parser.add_argument("--output-dir", default="latent_dim_search_figures", type=Path)
parser.add_argument(
    "--smoke",
    action="store_true",
    default=bool(os.environ.get("DENSE_AUTOENCODER_SMOKE")),
)
args = parser.parse_args()
args.output_dir.mkdir(parents=True, exist_ok=True)
epochs, sizes = (2, [2, 8]) if args.smoke else (100, [2, 4, 8, 16, 32])

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X / 16, y, random_state=0)

# %%
# Without labels: the reconstruction error
# ----------------------------------------
# A larger code reconstructs better, so the score keeps rising with the size:
# read the curve for the size past which it stops paying.
unsupervised = GridSearchCV(
    DenseAutoencoder(epochs=epochs, random_state=0),
    {"latent_dim": sizes},
    cv=3,
)
unsupervised.fit(X_train)
for size, score in zip(sizes, unsupervised.cv_results_["mean_test_score"], strict=True):
    print(f"latent_dim={size:<3} held-out reconstruction MSE {-score:.4f}")

# %%
# With labels: the accuracy of a classifier on the codes
# ------------------------------------------------------
pipeline = Pipeline(
    [
        ("autoencoder", DenseAutoencoder(epochs=epochs, random_state=0)),
        ("classifier", LogisticRegression(max_iter=2000)),
    ]
)
supervised = GridSearchCV(pipeline, {"autoencoder__latent_dim": sizes}, cv=3)
supervised.fit(X_train, y_train)
best = supervised.best_params_["autoencoder__latent_dim"]
print(f"best latent_dim for accuracy: {best}")
print(f"test accuracy of the refitted pipeline: {supervised.score(X_test, y_test):.3f}")

# %%
# Both sweeps
# -----------
figure, (left, right) = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")
plot_latent_sweep(unsupervised, ax=left)
left.set_title("No labels: minus the reconstruction MSE")
plot_latent_sweep(supervised, ax=right)
right.set_title("With labels: accuracy")
figure.savefig(args.output_dir / "latent_dim_sweep.png", dpi=100)

print(f"figures saved to {args.output_dir}")
if matplotlib.get_backend().lower() != "agg":
    plt.show()
