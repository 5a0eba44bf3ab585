"""
Optimizers compared on one problem
==================================

The same network trained with each of Keras's optimizers on the digits data,
each at its usual learning rate: SGD with Nesterov momentum at 0.01, Adagrad
at 0.01, Adadelta at 1.0 and the adaptive methods at 1e-3. The
``optimizer`` and ``learning_rate`` parameters of :class:`~sklann.MLPClassifier`
are all it takes.
"""

# %%
# Training every optimizer
# ------------------------
import time

import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from sklann import MLPClassifier

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=0
)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)

learning_rates = {
    "sgd": 0.01,
    "adam": 1e-3,
    "nadam": 1e-3,
    "adamw": 1e-3,
    "rmsprop": 1e-3,
    "adamax": 1e-3,
    "adagrad": 0.01,
    "adadelta": 1.0,
}
fig, ax = plt.subplots(figsize=(6, 4))
for optimizer, learning_rate in learning_rates.items():
    model = MLPClassifier(
        hidden_layer_sizes=(128, 64),
        optimizer=optimizer,
        learning_rate=learning_rate,
        batch_size=32,
        epochs=30,
        patience=None,
        random_state=0,
    )
    start = time.perf_counter()
    model.fit(X_train, y_train)
    seconds = time.perf_counter() - start
    print(
        f"{optimizer:>8} (lr {learning_rate:g}): test accuracy "
        f"{model.score(X_test, y_test):.3f}, final training loss "
        f"{model.history_['loss'][-1]:.4f}, {seconds:.1f} s"
    )
    ax.plot(model.history_["loss"], label=optimizer)
ax.set(yscale="log", xlabel="epoch", ylabel="training loss")
ax.set_title("Digits, (128, 64) ReLU network, batches of 32")
ax.legend(fontsize="small", ncols=2)
fig.tight_layout()

# %%
# Reading the curves
# ------------------
# With their usual rates, Adam, Nadam and AdamW and Adadelta (at 1.0)
# reach the lowest training loss, and SGD with Nesterov momentum is close
# behind; RMSprop, Adamax and Adagrad (whose effective rate shrinks as it
# accumulates squared gradients) are slower. On the test set all end within
# about a point of each other. The rule of thumb holds: try Adam or Nadam
# first, and move to the others (SGD with momentum often generalises as
# well) when training stalls or the error stays high. The rate matters more
# than the optimizer: see the learning-rate range test example.
