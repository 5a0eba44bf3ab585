"""
Vanishing gradients: activations, initializers and batch norm
=============================================================

In a deep network of sigmoid units, every layer multiplies the gradient by
the sigmoid's derivative, which is at most 0.25, so the layers near the
input receive almost no gradient and learn nothing: the vanishing gradient
problem. Non-saturating activations with matched initializers (ReLU or ELU
with He, SELU with LeCun) and batch normalisation keep the gradient's size
from layer to layer. Here are the per-layer gradient norms of eight-layer
networks on the digits data, measured by
:func:`~sklann.inspection.gradient_norms` and, during training, by the
:class:`~sklann.inspection.GradientNormHistory` callback.
"""

# %%
# Gradients at initialisation
# ---------------------------
# ``kernel_initializer="auto"`` (the default) picks Glorot for sigmoid, He
# for ReLU and ELU and LeCun for SELU. :func:`~sklann.inspection.gradient_norms`
# measures in inference mode, where batch normalisation uses its moving
# statistics (the identity at initialisation), so the batch-norm network
# only shows its difference during training.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from sklann import MLPClassifier
from sklann.inspection import GradientNormHistory, gradient_norms

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=0
)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)

networks = {
    "sigmoid, Glorot": dict(activation="sigmoid"),
    "sigmoid, Glorot, batch norm": dict(
        activation="sigmoid", batch_normalization="before"
    ),
    "ReLU, He": dict(activation="relu"),
    "ELU, He": dict(activation="elu"),
    "SELU, LeCun": dict(activation="selu"),
}


def deep_network(**params):
    return MLPClassifier(
        hidden_layer_sizes=(64,) * 8,
        optimizer="sgd",
        learning_rate=0.01,
        batch_size=32,
        epochs=15,
        patience=None,
        random_state=0,
        **params,
    )


fig, ax = plt.subplots(figsize=(6, 4))
for name, params in networks.items():
    if params.get("batch_normalization"):
        continue
    norms = gradient_norms(
        deep_network(**params).initialize(X_train, y_train), X_train, y_train
    )
    values = np.array(list(norms.values()))
    print(f"{name:>28}: first layer / output layer = {values[0] / values[-1]:.1e}")
    ax.plot(np.arange(1, len(values) + 1), values, "o-", label=name)
ax.set(
    yscale="log",
    xlabel="layer (1 = input side, 9 = output)",
    ylabel="gradient norm",
    title="Gradient norms at initialisation",
)
ax.legend(fontsize="small")
fig.tight_layout()

# %%
# Training them
# -------------
# Fifteen epochs of plain SGD. The callback records every layer's gradient
# norm after each epoch in ``history_`` and warns at the end of training if
# the first layer's gradient is below 1e-3 of the output layer's.
fig, ax = plt.subplots(figsize=(6, 4))
for name, params in networks.items():
    model = deep_network(callbacks=[GradientNormHistory()], **params)
    model.fit(X_train, y_train)
    ratio = (
        model.history_["gradient_norm_hidden_1"][-1]
        / model.history_["gradient_norm_output"][-1]
    )
    print(
        f"{name:>28}: test accuracy {model.score(X_test, y_test):.3f}, "
        f"final training loss {model.history_['loss'][-1]:.3f}, "
        f"first / output gradient after training {ratio:.1e}"
    )
    ax.plot(model.history_["loss"], label=name)
ax.set(
    xlabel="epoch",
    ylabel="training loss",
    yscale="log",
    title="Eight hidden layers of 64 units, SGD",
)
ax.legend(fontsize="small")
fig.tight_layout()

# %%
# At initialisation the first layer of the sigmoid network gets a gradient
# 1e-5 times the output layer's; after fifteen epochs it is still 1e-4, the
# callback warns, and the network has learned nothing (chance accuracy, a
# training loss of log(10)). Batch normalisation rescues the same sigmoid
# network: its layers' gradients end within a factor of two of each other.
# ReLU, ELU and SELU with their matched initializers start within a factor
# of about two and train to a near-zero loss.
# :class:`~sklann.inspection.GradientNormDisplay` draws the per-layer norms
# of one network as bars, or their course over the epochs.
