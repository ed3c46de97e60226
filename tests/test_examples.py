"""Every example runs on small settings and saves the figures it promises."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SHARED_LFW = ROOT.parent / "shared" / "data" / "lfw_home"


def _run(script, *args, env=None):
    """Run an example in smoke mode; return the finished process."""
    return subprocess.run(
        [sys.executable, str(EXAMPLES / script), "--smoke", *map(str, args)],
        capture_output=True,
        text=True,
        env={**os.environ, "MPLBACKEND": "Agg", **(env or {})},
        timeout=600,
    )


def _figures(folder):
    return sorted(path.name for path in folder.iterdir())


def test_every_example_is_covered_here():
    tested = set(re.findall(r"plot_\w+\.py", Path(__file__).read_text()))
    assert {path.name for path in EXAMPLES.glob("plot_*.py")} <= tested


@pytest.mark.parametrize(
    "script, figures, printed",
    [
        (
            "plot_quickstart.py",
            ["latent_2d", "latent_codes", "loss_curves", "reconstructions"],
            "test accuracy, LatentClassifier():",
        ),
        ("plot_latent_dim_search.py", ["latent_dim_sweep"], "best latent_dim"),
        (
            "plot_anomaly_detection.py",
            ["least_typical", "score_histogram"],
            "ROC AUC, digits 5 to 9",
        ),
        ("plot_sparse_codes.py", ["sparsity"], "latent_l1=0.03"),
        (
            "plot_semi_supervised.py",
            ["accuracy_by_labels"],
            "320 labels: with 1027 unlabelled digits",
        ),
        (
            "plot_data_augmentation.py",
            ["new_samples"],
            "test accuracy, with 1,000 new versions of them:",
        ),
    ],
)
def test_offline_examples_save_their_figures(tmp_path, script, figures, printed):
    result = _run(script, "--output-dir", tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert printed in result.stdout
    assert _figures(tmp_path) == [f"{name}.png" for name in figures]


@pytest.fixture
def lfw_data_home(tmp_path):
    """A data home that links to the shared LFW copy, leaving that copy unwritten.

    scikit-learn caches what it loads in ``lfw_home/joblib``; the links let it
    write its cache here instead of in the read-only shared folder.
    """
    if not SHARED_LFW.is_dir():
        pytest.skip(f"no local copy of LFW at {SHARED_LFW}")
    home = tmp_path / "data" / "lfw_home"
    home.mkdir(parents=True)
    for entry in SHARED_LFW.iterdir():
        if entry.name not in {"joblib", ".gitignore"}:
            (home / entry.name).symlink_to(entry)
    return home.parent


def test_lfw_example_runs_the_article_workflow(tmp_path, lfw_data_home):
    output = tmp_path / "figures"
    result = _run(
        "plot_lfw_faces.py", "--data-home", lfw_data_home, "--output-dir", output
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "1140 images of 62 x 47 pixels, 5 people" in result.stdout
    accuracy = re.search(r"LatentClassifier test accuracy:\s+([0-9.]+)", result.stdout)
    # Two epochs of the head on PCA-started codes already beat chance (0.2) by far.
    assert float(accuracy.group(1)) > 0.5
    assert _figures(output) == [
        "confusion_matrix.png",
        "first_faces.png",
        "latent_codes.png",
        "loss_curves.png",
        "pca_reconstructions.png",
        "reconstructions.png",
    ]


def test_denoising_example_recovers_noisy_faces(tmp_path, lfw_data_home):
    output = tmp_path / "figures"
    result = _run(
        "plot_denoising_faces.py", "--data-home", lfw_data_home, "--output-dir", output
    )
    assert result.returncode == 0, result.stderr[-2000:]
    errors = dict(re.findall(r"^(.*?)\s+([0-9.]+)$", result.stdout, flags=re.M))
    before = float(errors["error to the clean test faces (MSE)"])
    # Even PCA's projection removes most of the noise; smoke settings do too.
    assert float(errors["after PCA(420)"]) < before / 2
    assert float(errors["after DenseAutoencoder(420, noise=0.1)"]) < before / 2
    assert _figures(output) == ["denoised_faces.png"]


def test_lfw_example_says_in_one_line_what_to_do_without_the_data(tmp_path):
    # An unreachable proxy makes the download fail at once, online or not.
    proxy = "http://127.0.0.1:9"
    result = _run(
        "plot_lfw_faces.py",
        "--data-home",
        tmp_path / "empty",
        "--output-dir",
        tmp_path / "figures",
        env={"https_proxy": proxy, "HTTPS_PROXY": proxy, "http_proxy": proxy},
    )
    assert result.returncode == 1
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith(f"LFW is not in {tmp_path / 'empty'}")
    assert "could not be downloaded" in last_line
    assert "--data-home DIR" in last_line
    assert "Traceback" not in result.stderr
