"""Shared test settings: quiet TensorFlow logs, one thread per op pool."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
