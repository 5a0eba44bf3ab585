"""Test settings: quiet TensorFlow's C++ logs.

sklann gives TensorFlow one intra-op thread for MLP-sized networks (sklann._threads),
so pytest-xdist's one worker per core does not oversubscribe the cores.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
