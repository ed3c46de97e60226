"""Sphinx configuration of the dense_autoencoder documentation."""

import dense_autoencoder

project = "dense_autoencoder"
author = "The dense_autoencoder developers"
copyright = "2026, The dense_autoencoder developers"
release = dense_autoencoder.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

autosummary_generate = True
templates_path = ["_templates"]
numpydoc_show_class_members = False
numpydoc_xref_param_type = False
exclude_patterns = ["_build", "generated/*.examples"]

# Offline builds keep working: intersphinx lookups that fail only warn in
# sphinx, so the mapping is empty unless a build asks for it.
intersphinx_mapping = {}

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": "/plot_",
    "download_all_examples": False,
}

html_theme = "alabaster"
