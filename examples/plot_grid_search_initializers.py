"""
Grid search over initializers, batch size and epochs
====================================================

The classic :class:`~sklearn.model_selection.GridSearchCV` of the Keras
tutorials, with no build function to write: the weight initializer, the
batch size and the number of epochs are plain parameters of
:class:`~sklann.MLPClassifier`. The data are the scikit-learn digits,
standardised in a pipeline.
"""

# %%
# The grid
# --------
# Six initializers, including the two that break symmetry badly or not at
# all: ``zeros`` gives every unit of a layer the same weights, so they all
# learn the same thing (with ReLU they even stay at zero), and
# ``random_normal`` draws with a fixed standard deviation of 0.05 whatever
# the layer's width. The Glorot, He and LeCun initializers scale the
# variance to the layer's fan-in (and fan-out).
import time

import matplotlib.pyplot as plt
import pandas as pd
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklann import MLPClassifier

X, y = load_digits(return_X_y=True)
pipe = make_pipeline(
    StandardScaler(),
    MLPClassifier(hidden_layer_sizes=(64, 64), patience=None, random_state=0),
)
grid = {
    "mlpclassifier__kernel_initializer": [
        "zeros",
        "random_normal",
        "glorot_uniform",
        "glorot_normal",
        "he_normal",
        "lecun_uniform",
    ],
    "mlpclassifier__batch_size": [16, 128],
    "mlpclassifier__epochs": [5, 20],
}
search = GridSearchCV(pipe, grid, cv=3)
start = time.perf_counter()
search.fit(X, y)
print(
    f"{len(search.cv_results_['params'])} candidates x 3 folds: "
    f"{time.perf_counter() - start:.1f} s"
)
print(f"best: {search.best_params_}, CV accuracy {search.best_score_:.3f}")

# %%
# The results
# -----------
# Mean CV accuracy for every combination.
results = pd.DataFrame(search.cv_results_["params"]).rename(
    columns=lambda name: name.removeprefix("mlpclassifier__")
)
results["accuracy"] = search.cv_results_["mean_test_score"]
table = results.pivot_table(
    index="kernel_initializer", columns=["batch_size", "epochs"], values="accuracy"
)
print(table.round(3))

fig, ax = plt.subplots(figsize=(7, 4))
table.plot.bar(ax=ax, width=0.8)
ax.set(ylabel="mean CV accuracy", ylim=(0, 1), title="Digits, (64, 64) ReLU network")
ax.legend(title="batch size, epochs", fontsize="small", loc="lower right")
ax.tick_params(axis="x", rotation=20)
fig.tight_layout()

# %%
# What the grid says
# ------------------
# ``zeros`` never learns: the ReLU units output zero and pass no gradient,
# so only the output layer's biases move, and the accuracy stays at the
# frequency of one class (about 10%). Every other initializer works, with
# little between them on a network this shallow (``random_normal`` too);
# the differences grow with depth, as the example on vanishing gradients
# shows. The batch size trades updates against time: batches of 16 give
# 75 updates per epoch and batches of 128 give 10, so 5 epochs of small
# batches match 20 epochs of large ones. sklann's default initializer,
# ``"auto"``, picks He for ReLU, Glorot for tanh and sigmoid and LeCun for
# SELU, so this search is seldom needed.
