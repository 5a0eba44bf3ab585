"""Sphinx configuration of the sklann documentation (``make docs``)."""

import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import sklann  # noqa: E402

DOCS = Path(__file__).parent
sys.path.insert(0, str(DOCS))

from benchmark_tables import write_includes  # noqa: E402

# The comparison page includes the latest tables of `make bench`.
write_includes(DOCS.parent / "benchmarks" / "results", DOCS / "_generated")

project = "sklann"
author = "the sklann developers"
copyright = "2026, the sklann developers"
version = release = sklann.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

exclude_patterns = ["_build", "_generated", "design.md", "**/README.rst"]
templates_path = ["_templates"]
html_theme = "furo"
html_title = f"sklann {release}"
html_static_path = []

autosummary_generate = True
autodoc_default_options = {"members": True}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False

# No internet during the build: the inventories are written offline by
# _inventories/make_inventories.py and point at the projects' own pages.
intersphinx_mapping = {
    "sklearn": ("https://scikit-learn.org/stable/", "_inventories/sklearn.inv"),
    "numpy": ("https://numpy.org/doc/stable/", "_inventories/numpy.inv"),
    "keras": ("https://keras.io/api/", "_inventories/keras.inv"),
}

sphinx_gallery_conf = {
    "examples_dirs": str(DOCS.parent / "examples"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "ignore_pattern": r"demo\.py",
    "within_subsection_order": "FileNameSortKey",
    "doc_module": ("sklann",),
    "reference_url": {"sklann": None},
    "backreferences_dir": "gen_modules/backreferences",
    "remove_config_comments": True,
    # Show what the examples print, not the repr of a last expression.
    "capture_repr": (),
    "abort_on_example_error": True,
    "show_memory": False,
    "matplotlib_animations": False,
}


def skip_keras_members(app, what, name, obj, skip, options):
    """Leave out inherited hooks: Keras Callback's, scikit-learn's set_output.

    scikit-learn's ``set_output`` docstring links to labels of its own docs.
    """
    module = getattr(obj, "__module__", "") or ""
    inherited = ("keras", "tensorflow", "sklearn.utils._set_output")
    return True if module.startswith(inherited) else None


def setup(app):
    app.connect("autodoc-skip-member", skip_keras_members)
