"""The network: its spec, the layer table, the initial weights, its forward pass.

``layers`` is the table of layers and their variables that every other part
walks; ``spec`` holds ``NetworkSpec``, the initial weights and the Keras
builder (for ``model_``); ``forward`` the graph forward pass of training.
"""
