"""
Random search over layers, units and learning rate
===================================================

A :class:`~sklearn.model_selection.RandomizedSearchCV` tunes the number of
hidden layers, their widths and the learning rate of an
:class:`~sklann.MLPClassifier` on the digits data, inside a
:class:`~sklearn.pipeline.Pipeline` with a
:class:`~sklearn.preprocessing.StandardScaler`. The layer sizes come from
:class:`~sklann.model_selection.LayerSizes`, a distribution over tuples, and
the learning rate from a log-uniform distribution: random search tries a new
value of every parameter in every candidate, which is why it beats a grid of
the same budget when only a few parameters matter.
"""

# %%
# The data and the pipeline
# -------------------------
# 1,797 8x8 images of handwritten digits; a quarter is held out for the end.
import time

from scipy.stats import loguniform
from sklearn.datasets import load_digits
from sklearn.model_selection import RandomizedSearchCV, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklann import MLPClassifier
from sklann.inspection import SearchResultsDisplay
from sklann.model_selection import LayerSizes

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=0
)
pipe = make_pipeline(
    StandardScaler(), MLPClassifier(epochs=40, patience=None, random_state=0)
)

# %%
# The search
# ----------
# One to three hidden layers of 16 to 256 units, each layer no wider than the
# one before (the "inverted pyramid"), and a learning rate between 1e-4 and
# 1e-1 sampled on a log scale.
space = {
    "mlpclassifier__hidden_layer_sizes": LayerSizes(
        n_layers=(1, 3), units=(16, 256), shape="pyramid"
    ),
    "mlpclassifier__learning_rate": loguniform(1e-4, 1e-1),
}
search = RandomizedSearchCV(pipe, space, n_iter=12, cv=3, random_state=0)
start = time.perf_counter()
search.fit(X_train, y_train)
elapsed = time.perf_counter() - start

best = search.best_params_
print(f"search of 12 candidates x 3 folds: {elapsed:.1f} s")
print(f"best layers: {best['mlpclassifier__hidden_layer_sizes']}")
print(f"best learning rate: {best['mlpclassifier__learning_rate']:.2g}")
print(f"best CV accuracy: {search.best_score_:.3f}")
print(f"held-out accuracy of the refitted best: {search.score(X_test, y_test):.3f}")

# %%
# Every candidate
# ---------------
# The mean CV accuracy of each candidate against its learning rate. Rates
# near 1e-4 are too slow for 40 epochs, rates near 0.1 too large; the good
# ones lie between about 1e-3 and 3e-2, whatever the layers.
results = search.cv_results_
for params, score in sorted(
    zip(results["params"], results["mean_test_score"], strict=True),
    key=lambda item: -item[1],
):
    print(
        f"{score:.3f}  layers={params['mlpclassifier__hidden_layer_sizes']}, "
        f"lr={params['mlpclassifier__learning_rate']:.2g}"
    )

display = SearchResultsDisplay.from_search(search, "mlpclassifier__learning_rate")
display.ax_.set_title("Random search on digits")
