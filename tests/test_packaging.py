"""The installed distribution's promises: its version and its licence."""

from importlib.metadata import distribution
from pathlib import Path

import dense_autoencoder

ROOT = Path(__file__).resolve().parents[1]


def test_installed_version_is_the_package_version():
    assert distribution("dense-autoencoder").version == dense_autoencoder.__version__


def test_installed_distribution_declares_the_licence_and_ships_its_file():
    metadata = distribution("dense-autoencoder").metadata
    assert metadata["License-Expression"] == "BSD-3-Clause"
    assert metadata.get_all("License-File") == ["LICENSE"]
    assert (ROOT / "LICENSE").read_text().startswith("BSD 3-Clause License\n")
