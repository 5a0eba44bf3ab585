"""
Mixed data and successive halving over epochs: the adult census
===============================================================

The adult census data mix numbers (age, hours per week, capital gains) with
categories (work class, education, occupation, country), and have missing
values. A :class:`~sklearn.compose.ColumnTransformer` scales the numbers and
one-hot encodes the categories in front of an :class:`~sklann.MLPClassifier`.
:class:`~sklearn.model_selection.HalvingRandomSearchCV` with
``resource="mlpclassifier__epochs"`` then trains many candidates for a few
epochs, keeps the best third, trains those three times longer, and so on:
the cross-validated counterpart of keras-tuner's Hyperband.
"""

# %%
# The data and the pipeline
# -------------------------
# The search runs on 6,000 of the 32,561 training rows; the best model is
# then refitted on them and scored on the 16,281 rows of the official test
# file.
import time

from scipy.stats import loguniform
from sklearn.compose import make_column_selector, make_column_transformer
from sklearn.experimental import enable_halving_search_cv  # noqa: F401
from sklearn.impute import SimpleImputer
from sklearn.model_selection import HalvingRandomSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from sklann import MLPClassifier
from sklann.datasets import load_adult
from sklann.inspection import SearchResultsDisplay
from sklann.model_selection import LayerSizes

X, y = load_adult("train")
X, y = X.sample(6000, random_state=0), y.sample(6000, random_state=0)
X_test, y_test = load_adult("test")
print(
    f"{X.shape[1]} columns, {X.isna().any(axis=1).mean():.1%} of rows with a "
    f"missing value; classes {sorted(y.unique())}"
)

preprocess = make_column_transformer(
    (StandardScaler(), make_column_selector(dtype_include="number")),
    (
        make_pipeline(
            SimpleImputer(strategy="most_frequent"),
            OneHotEncoder(handle_unknown="ignore", sparse_output=False),
        ),
        make_column_selector(dtype_exclude="number"),
    ),
)
pipe = make_pipeline(
    preprocess, MLPClassifier(batch_size=64, patience=None, random_state=0)
)

# %%
# Successive halving over epochs
# ------------------------------
space = {
    "mlpclassifier__hidden_layer_sizes": LayerSizes(
        n_layers=(1, 3), units=(16, 256), shape="pyramid"
    ),
    "mlpclassifier__learning_rate": loguniform(1e-4, 3e-2),
    "mlpclassifier__dropout": [0.0, 0.2, 0.4],
    "mlpclassifier__activation": ["relu", "elu", "selu"],
}
search = HalvingRandomSearchCV(
    pipe,
    space,
    resource="mlpclassifier__epochs",
    min_resources=2,
    max_resources=18,
    factor=3,
    n_candidates=18,
    cv=3,
    random_state=0,
)
start = time.perf_counter()
search.fit(X, y)
print(f"search: {time.perf_counter() - start:.1f} s")
for iteration, (epochs, candidates) in enumerate(
    zip(search.n_resources_, search.n_candidates_, strict=True)
):
    print(f"round {iteration}: {candidates} candidates trained {epochs} epochs")
for name, value in search.best_params_.items():
    shown = f"{value:.3g}" if isinstance(value, float) else value
    print(f"best {name.removeprefix('mlpclassifier__')}: {shown}")
print(f"best CV accuracy: {search.best_score_:.3f}")
print(
    f"test accuracy: {search.score(X_test, y_test):.3f} "
    f"(always '<=50K': {(y_test == '<=50K').mean():.3f})"
)

# %%
# Each round's scores
# -------------------
# The CV accuracy of every candidate against its learning rate, one colour
# per round (2, 6 and 18 epochs). Two epochs are enough to discard the
# learning rates that are far too small; on this data the survivors gain
# little from longer training, so halving finds the good region at a
# fraction of the cost of training every candidate for 18 epochs.
display = SearchResultsDisplay.from_search(
    search, "mlpclassifier__learning_rate", hue="mlpclassifier__epochs"
)
display.ax_.set_title("HalvingRandomSearchCV on adult, by round")

# %%
# Halving spends most of its budget on the promising candidates: the
# candidates of the first round cost 2 epochs each, and only the last
# round's trains the full 18. The model to keep is ``best_estimator_``,
# refitted on all the search rows with the winning parameters (including
# its number of epochs).
