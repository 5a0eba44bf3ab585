"""Test settings: quiet TensorFlow logs and one TensorFlow thread per process.

pytest-xdist runs one worker per core; one thread each avoids oversubscribing
the cores (see sklann._threads).
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("SKLANN_NUM_THREADS", "1")
