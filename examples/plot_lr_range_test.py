"""
Finding the learning rate: the range test
=========================================

The learning rate matters more than any other setting. The range test
(Leslie Smith's "LR finder") trains one mini-batch per step while the rate
grows exponentially from 1e-7 to 10, and records the loss. The loss falls
once the rate is large enough to learn, then turns up and diverges; a good
rate lies just before the turn. :func:`~sklann.model_selection.lr_range_test`
runs it on a clone of any sklann estimator or pipeline and suggests the rate
at the minimum of the smoothed loss divided by ten.
"""

# %%
# The test
# --------
import time

from sklearn.datasets import load_digits
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklann import MLPClassifier
from sklann.model_selection import lr_range_test

X, y = load_digits(return_X_y=True)
pipe = make_pipeline(
    StandardScaler(),
    MLPClassifier(
        hidden_layer_sizes=(128, 64),
        optimizer="sgd",
        batch_size=32,
        epochs=20,
        patience=None,
        random_state=0,
    ),
)
start = time.perf_counter()
result = lr_range_test(pipe, X, y, n_steps=200, random_state=0)
print(
    f"range test: {len(result.learning_rates)} steps in "
    f"{time.perf_counter() - start:.1f} s (stopped early: {result.stopped_early})"
)
print(
    f"loss lowest at rate {result.min_loss_rate:.3g}, falling fastest at "
    f"{result.steepest_rate:.3g}; suggestion {result.suggestion:.3g}"
)

display = result.plot()
display.ax_.set_title("LR range test, SGD on digits")

# %%
# Checking the suggestion
# -----------------------
# Train 20 epochs at the suggested rate, a hundred times lower, and at the
# rate of the loss minimum, where the test was already close to diverging.
for label, rate in [
    ("suggestion / 100", result.suggestion / 100),
    ("suggestion", result.suggestion),
    ("loss minimum", result.min_loss_rate),
]:
    pipe.set_params(mlpclassifier__learning_rate=rate)
    scores = cross_val_score(pipe, X, y, cv=3, error_score=0.0)
    print(f"{label:>16} ({rate:.3g}): CV accuracy {scores.mean():.3f}")

# %%
# The suggestion trains well in 20 epochs; a hundred times lower learns too
# slowly for that budget, and at the rate of the loss minimum training
# breaks down to chance accuracy: the minimum of the range test is already
# past the largest stable rate for a full run. Run the test again when the
# batch size, the optimizer or the architecture changes, since each moves the
# good rate.
