"""Dense autoencoders as scikit-learn estimators, on Keras 3."""

from ._autoencoder import DenseAutoencoder
from ._classifier import LatentClassifier
from ._persistence import ModelFileError, load
from ._training import TrainingDivergedError

__version__ = "0.1.0.dev0"

__all__ = [
    "DenseAutoencoder",
    "LatentClassifier",
    "ModelFileError",
    "TrainingDivergedError",
    "__version__",
    "load",
]
