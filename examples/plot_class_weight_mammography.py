"""
Class imbalance: ``class_weight`` on mammography
================================================

The mammography data have 11,183 regions of mammograms, of which 260 (2.3%)
are calcifications. A classifier that always says "no calcification" is
97.7% accurate and useless. ``class_weight="balanced"`` weights every
sample's loss by the inverse frequency of its class, so the network pays as
much attention to the 260 positives as to the 10,923 negatives.
"""

# %%
# Two classifiers
# ---------------
import time

import matplotlib.pyplot as plt
from sklearn.metrics import (
    PrecisionRecallDisplay,
    average_precision_score,
    balanced_accuracy_score,
    precision_score,
    recall_score,
    roc_auc_score,
)
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklann import MLPClassifier
from sklann.datasets import load_mammography

X, y = load_mammography()
print(f"{len(y)} rows, {y.sum()} positives ({y.mean():.1%})")
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.3, stratify=y, random_state=0
)

fig, ax = plt.subplots(figsize=(6, 5))
for class_weight in [None, "balanced"]:
    model = make_pipeline(
        StandardScaler(),
        MLPClassifier(
            hidden_layer_sizes=(64, 32),
            class_weight=class_weight,
            epochs=60,
            patience=None,
            random_state=0,
        ),
    )
    start = time.perf_counter()
    model.fit(X_train, y_train)
    seconds = time.perf_counter() - start
    predicted = model.predict(X_test)
    probability = model.predict_proba(X_test)[:, 1]
    print(
        f"class_weight={class_weight!s:>8}: accuracy "
        f"{model.score(X_test, y_test):.3f}, balanced accuracy "
        f"{balanced_accuracy_score(y_test, predicted):.3f}, recall "
        f"{recall_score(y_test, predicted):.3f}, precision "
        f"{precision_score(y_test, predicted):.3f}, ROC AUC "
        f"{roc_auc_score(y_test, probability):.3f}, average precision "
        f"{average_precision_score(y_test, probability):.3f} ({seconds:.1f} s)"
    )
    PrecisionRecallDisplay.from_predictions(
        y_test, probability, name=f"class_weight={class_weight}", ax=ax
    )
    recall, precision = (
        recall_score(y_test, predicted),
        precision_score(y_test, predicted),
    )
    ax.plot(recall, precision, "ko")
ax.set_title("Mammography, held-out 30% (dots: the 0.5 threshold)")
fig.tight_layout()

# %%
# What changed
# ------------
# Unweighted, the network predicts a calcification only when it is very
# sure: high precision, low recall. Balanced weights move its decisions
# towards the minority class, so it finds most calcifications at the price
# of many false alarms, and its balanced accuracy rises sharply. The
# ranking of the cases does not improve: the ROC AUC and the average
# precision, which do not depend on a threshold, are a little lower with
# the weights. Weighting chooses a different point on much the same
# precision-recall curve. When only the operating point matters, moving the
# decision threshold of the unweighted model (scikit-learn's
# :class:`~sklearn.model_selection.TunedThresholdClassifierCV`) does the same
# job without retraining.
