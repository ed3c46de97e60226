"""LatentClassifier on the reference article's faces, beside its anchors.

On Labeled Faces in the Wild (5 people with at least 100 images, resized by
0.5, 75/25 split with random_state=0), prints the test accuracy of:

- ``LatentClassifier()`` with its defaults (a ``DenseAutoencoder(420)``, the
  head trained on every row), with ``freeze_encoder=False``, with the head
  stopped early on 10% of the rows held out, on the autoencoder's own
  default code of 32 values, and with classes balanced by ``sample_weight``
  (which weighs the autoencoder's fit too) or by ``class_weight`` (the head's
  alone);
- the article's recipe, written in plain Keras as the article does;
- logistic regression on the pixels;
- eigenfaces: PCA(150, whiten) and an RBF SVC, tuned as in scikit-learn's
  face recognition example.

With ``--cv``, it also prints the 5-fold cross-validated accuracy on the
training faces of the defaults, of ``class_weight="balanced"``, of logistic
regression and of eigenfaces, repeated over seeds with reshuffled folds: a
second estimate that does not rest on the 285 test images alone.

Keras runs are repeated over seeds; the median and range are printed. Run
from the repository root::

    python benchmarks/bench_lfw_classifier.py [--seeds 5] [--cv] [--data-home PATH]

``--cv-only`` instead of ``--cv`` prints the cross-validated table alone.

The data come from ``../shared/data/lfw_home`` beside the repository when it
exists, offline, through links in a temporary data home; otherwise
scikit-learn downloads them to its default data home.
"""

import argparse
import time

import keras
import numpy as np
from _common import default_data_home, lfw_split
from scipy.stats import loguniform
from sklearn.decomposition import PCA
from sklearn.ensemble import VotingClassifier
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import (
    RandomizedSearchCV,
    StratifiedKFold,
    cross_val_score,
)
from sklearn.pipeline import make_pipeline
from sklearn.svm import SVC
from sklearn.utils.class_weight import compute_sample_weight

from dense_autoencoder import DenseAutoencoder, LatentClassifier


def article_recipe(X_train, y_train, X_test, y_test, seed):
    """Train the article's autoencoder and classifier in plain Keras; test accuracy."""
    keras.utils.set_random_seed(seed)
    shape = X_train.shape[1:]
    n_features = int(np.prod(shape))
    inputs = keras.Input(shape=shape)
    hidden = keras.layers.Dense(n_features // 2, activation="relu")
    code = keras.layers.Dense(420, activation="relu")
    first_decoder_layer = keras.layers.Dense(n_features // 2, activation="relu")
    latent = code(hidden(keras.layers.Flatten()(inputs)))
    decoded = keras.layers.Dense(n_features)(first_decoder_layer(latent))
    autoencoder = keras.Model(inputs, keras.layers.Reshape(shape)(decoded))
    autoencoder.compile(optimizer="adam", loss="mse")
    autoencoder.fit(X_train, X_train, epochs=100, validation_split=0.33, verbose=0)

    # Encoder frozen, then the decoder's first hidden layer and a softmax.
    hidden.trainable = code.trainable = False
    n_classes = len(np.unique(y_train))
    outputs = keras.layers.Dense(n_classes, activation="softmax")(
        first_decoder_layer(latent)
    )
    classifier = keras.Model(inputs, outputs)
    classifier.compile(
        optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"]
    )
    classifier.fit(
        X_train,
        keras.utils.to_categorical(y_train, n_classes),
        epochs=150,
        validation_split=0.33,
        verbose=0,
    )
    return float(np.mean(np.argmax(classifier(X_test), axis=1) == y_test))


def eigenfaces():
    """PCA(150, whiten) + RBF SVC, tuned as in scikit-learn's faces example."""
    search = RandomizedSearchCV(
        SVC(kernel="rbf", class_weight="balanced"),
        {"C": loguniform(1e3, 1e5), "gamma": loguniform(1e-4, 1e-1)},
        n_iter=10,
        random_state=0,
    )
    return make_pipeline(
        PCA(150, svd_solver="randomized", whiten=True, random_state=42), search
    )


def head_vote(X_train, y_train, X_test, y_test, seed, sample_weight=None):
    """Soft vote of 5 heads, each seeded apart, on one frozen autoencoder."""
    autoencoder = FrozenEstimator(DenseAutoencoder(420, random_state=seed).fit(X_train))
    heads = [
        (f"head{i}", LatentClassifier(autoencoder, random_state=10 * seed + i))
        for i in range(5)
    ]
    vote = VotingClassifier(heads, voting="soft")
    vote.fit(X_train, y_train, sample_weight=sample_weight)
    return vote.score(X_test, y_test)


#: The scikit-learn anchors: name, and a function that makes the model.
ANCHORS = [
    ("LogisticRegression on pixels", lambda: LogisticRegression(max_iter=1000)),
    ("eigenfaces: PCA(150, whiten) + SVC", eigenfaces),
]


def timed(function):
    """Call ``function``; return its result and the seconds it took."""
    start = time.perf_counter()
    score = function()
    return score, time.perf_counter() - start


def report(name, score, seeds=(0,)):
    """Print the median test accuracy and time of ``score(seed)`` over seeds."""
    runs = [timed(lambda seed=seed: score(seed)) for seed in seeds]
    scores, seconds = zip(*runs, strict=True)
    spread = f"  [{min(scores):.3f}, {max(scores):.3f}]" if len(scores) > 1 else ""
    print(
        f"{name:<44} {np.median(scores):.3f}{spread:<18} {np.median(seconds):6.1f} s",
        flush=True,
    )


def main():
    """Print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    tables = parser.add_mutually_exclusive_group()
    tables.add_argument(
        "--cv", action="store_true", help="also print cross-validated accuracy"
    )
    tables.add_argument(
        "--cv-only",
        action="store_true",
        help="print the cross-validated accuracy alone, not the test split's",
    )
    parser.add_argument("--data-home", default=None)
    args = parser.parse_args()
    X_train, X_test, y_train, y_test = lfw_split(args.data_home or default_data_home())
    seeds = range(args.seeds)
    print(
        f"LFW: {len(X_train)} training and {len(X_test)} test images of "
        f"{X_train.shape[1]} x {X_train.shape[2]}; {args.seeds} seeds"
    )
    if not args.cv_only:
        print_test_split_table(X_train, X_test, y_train, y_test, seeds)
    if args.cv or args.cv_only:
        print_cross_validated_table(X_train, y_train, seeds)


def print_test_split_table(X_train, X_test, y_train, y_test, seeds):
    """Print each model's accuracy on the test split."""
    flat_train = X_train.reshape(len(X_train), -1)
    flat_test = X_test.reshape(len(X_test), -1)
    print(f"{'model':<44} {'test accuracy: median [range]':<24} time")

    def latent_classifier(seed, sample_weight=None, **params):
        classifier = LatentClassifier(random_state=seed, **params)
        classifier.fit(X_train, y_train, sample_weight=sample_weight)
        return classifier.score(X_test, y_test)

    balanced = compute_sample_weight("balanced", y_train)
    for name, params in [
        ("LatentClassifier()", {}),
        ("LatentClassifier(freeze_encoder=False)", {"freeze_encoder": False}),
        (
            "LatentClassifier(validation_fraction=0.1)",
            {"validation_fraction": 0.1},
        ),
        (
            "LatentClassifier(DenseAutoencoder(32))",
            {"autoencoder": DenseAutoencoder(32)},
        ),
        ("LatentClassifier(), balanced sample_weight", {"sample_weight": balanced}),
        (
            "LatentClassifier(class_weight='balanced')",
            {"class_weight": "balanced"},
        ),
    ]:
        report(
            name, lambda seed, params=params: latent_classifier(seed, **params), seeds
        )
    for name, weights in [("", None), (", balanced", balanced)]:
        report(
            f"soft vote of 5 heads{name}",
            lambda seed, weights=weights: head_vote(
                flat_train, y_train, flat_test, y_test, seed, weights
            ),
            seeds,
        )
    report(
        "article's recipe, plain Keras",
        lambda seed: article_recipe(X_train, y_train, X_test, y_test, seed),
        seeds,
    )
    for name, model in ANCHORS:
        report(
            name,
            lambda _, model=model: (
                model().fit(flat_train, y_train).score(flat_test, y_test)
            ),
        )


def print_cross_validated_table(X_train, y_train, seeds):
    """Print 5-fold cross-validated accuracy on the training faces, per seed's folds."""
    flat_train = X_train.reshape(len(X_train), -1)
    print(f"\n5-fold cross-validated accuracy on the {len(X_train)} training faces")
    for name, model in [
        ("LatentClassifier()", lambda seed: LatentClassifier(random_state=seed)),
        (
            "LatentClassifier(class_weight='balanced')",
            lambda seed: LatentClassifier(class_weight="balanced", random_state=seed),
        ),
        *((name, lambda _, model=model: model()) for name, model in ANCHORS),
    ]:
        report(
            name,
            lambda seed, model=model: cross_val_score(
                model(seed),
                flat_train,
                y_train,
                cv=StratifiedKFold(5, shuffle=True, random_state=seed),
            ).mean(),
            seeds,
        )


if __name__ == "__main__":
    main()
