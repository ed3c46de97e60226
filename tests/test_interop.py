"""Optional integrations: a dask cluster for grid searches, scikeras models.

Each test is skipped when its extra is not installed: ``pip install
"dense-autoencoder[dask]"`` or ``"dense-autoencoder[scikeras]"``.
"""

import joblib
import keras
import numpy as np
import pytest
from sklearn.model_selection import GridSearchCV, cross_validate, train_test_split
from sklearn.pipeline import Pipeline

from dense_autoencoder import DenseAutoencoder


def test_grid_search_runs_on_a_local_dask_cluster(
    digits, assert_same_networks, assert_scores_agree
):
    distributed = pytest.importorskip("distributed")
    X = digits[0][:300]

    def split_scores(**backend):
        search = GridSearchCV(
            DenseAutoencoder(epochs=2, random_state=0), {"latent_dim": [2, 6]}, cv=2
        )
        with joblib.parallel_backend(**backend):
            results = search.fit(X).cv_results_
        return np.array([results[f"split{i}_test_score"] for i in range(2)])

    def fitted(**backend):
        with joblib.parallel_backend(**backend):
            return cross_validate(
                DenseAutoencoder(6, epochs=2, random_state=0),
                X,
                cv=2,
                return_estimator=True,
            )["estimator"]

    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        client.wait_for_workers(2, timeout=60)
        with distributed.get_task_stream(client) as tasks:
            on_cluster = split_scores(backend="dask")
            fitted_on_cluster = fitted(backend="dask")
        # The fits really ran on the cluster's workers: the scheduler's record
        # of the tasks, not the client's cached list of workers, which can lag.
        ran_on = {task["worker"] for task in tasks.data}
        assert ran_on and ran_on <= set(client.run(lambda: None))
    # The workers fit the same networks, and score them with fewer threads.
    assert_same_networks(fitted_on_cluster, fitted(backend="loky", n_jobs=1))
    assert_scores_agree(on_cluster, split_scores(backend="loky", n_jobs=1))


def test_codes_feed_a_scikeras_classifier_in_a_pipeline(digits):
    wrappers = pytest.importorskip("scikeras.wrappers")
    X_train, X_test, y_train, y_test = train_test_split(*digits, random_state=0)

    def head(meta):
        return keras.Sequential(
            [
                keras.Input((meta["n_features_in_"],)),
                keras.layers.Dense(32, activation="relu"),
                keras.layers.Dense(meta["n_classes_"], activation="softmax"),
            ]
        )

    pipeline = Pipeline(
        [
            ("autoencoder", DenseAutoencoder(16, random_state=0)),
            (
                "classifier",
                wrappers.KerasClassifier(
                    model=head,
                    loss="sparse_categorical_crossentropy",
                    epochs=30,
                    verbose=0,
                    random_state=0,
                ),
            ),
        ]
    )
    assert pipeline.fit(X_train, y_train).score(X_test, y_test) > 0.85
