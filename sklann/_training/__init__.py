"""Training: a compiled program per structure, and the engine that runs it.

The program (``program``) is traced from the optimizers' updates
(``updates``), the losses, metrics and stopping rules; the engine
(``engine``) runs it on state arrays, with Keras callbacks in between; the
pool caches programs; ``runtime``, ``threads`` and ``quiet`` hold the
TensorFlow settings.
"""
