"""
Sparse codes with an L1 penalty
===============================

``latent_l1`` adds an L1 penalty on the codes to the training loss. With a ReLU
code layer, penalised codes become exactly zero: each digit is described by a
few active units. This example trains a
:class:`~dense_autoencoder.DenseAutoencoder` with 32 ReLU codes on the digits
at several penalties and plots the fraction of zero codes, and the held-out
reconstruction error, against the penalty. With ``--smoke`` (or
``DENSE_AUTOENCODER_SMOKE=1``), the models train for a couple of epochs only.
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
from sklearn.model_selection import train_test_split

from dense_autoencoder import DenseAutoencoder

parser = argparse.ArgumentParser(description="Sparse codes on the digits.")
parser.add_argument("--output-dir", default="sparse_codes_figures", type=Path)
parser.add_argument(
    "--smoke",
    action="store_true",
    default=bool(os.environ.get("DENSE_AUTOENCODER_SMOKE")),
)
args = parser.parse_args()
args.output_dir.mkdir(parents=True, exist_ok=True)
epochs = 2 if args.smoke else 100

X_train, X_test = train_test_split(load_digits().data / 16, random_state=0)

# %%
# Train at each penalty
# ---------------------
penalties = [0.0, 0.001, 0.003, 0.01, 0.03]
zero_shares, errors = [], []
for penalty in penalties:
    autoencoder = DenseAutoencoder(
        32, latent_activation="relu", latent_l1=penalty, epochs=epochs, random_state=0
    ).fit(X_train)
    codes = autoencoder.transform(X_test)
    zero_shares.append(np.mean(codes == 0))
    errors.append(-autoencoder.score(X_test))
    print(
        f"latent_l1={penalty:<6} zero codes {zero_shares[-1]:.2f}   "
        f"held-out MSE {errors[-1]:.4f}"
    )

# %%
# Sparsity against reconstruction
# -------------------------------
figure, left = plt.subplots(layout="constrained")
positions = np.arange(len(penalties))
left.bar(positions, zero_shares, color="tab:blue", alpha=0.7)
left.set_ylabel("fraction of zero codes", color="tab:blue")
left.set_xticks(positions, [str(penalty) for penalty in penalties])
left.set_xlabel("latent_l1")
right = left.twinx()
right.plot(positions, errors, "o-", color="tab:red")
right.set_ylabel("held-out reconstruction MSE", color="tab:red")
left.set_title("Sparse codes cost reconstruction error")
figure.savefig(args.output_dir / "sparsity.png", dpi=100)

print(f"figures saved to {args.output_dir}")
if matplotlib.get_backend().lower() != "agg":
    plt.show()
