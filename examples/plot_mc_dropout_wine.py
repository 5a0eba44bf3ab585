"""
MC dropout: uncertainty for regression on wine quality
======================================================

Monte Carlo dropout keeps dropout on at prediction time and averages many
stochastic passes. The mean is often a little more accurate than the
single deterministic pass, and the spread across passes is an uncertainty
estimate, all without retraining. With an :class:`~sklann.MLPRegressor`
trained with ``dropout``, it is one argument:
``predict(X, mc_samples=100, return_std=True)``.
"""

# %%
# A regressor with dropout
# ------------------------
# The red wine data: 11 physico-chemical measurements and a quality score
# from 3 to 8 given by tasters. The target is standardised too: a network
# whose output must first grow to 5.6 trains slowly, and with dropout's noise
# in the hidden layers much more slowly. (For plain predictions,
# :class:`~sklearn.compose.TransformedTargetRegressor` does this; here the
# standard deviation of the MC passes must be scaled back as well.)
import time

import matplotlib.pyplot as plt
import numpy as np
from sklearn.metrics import mean_absolute_error, root_mean_squared_error
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklann import MLPRegressor
from sklann.datasets import load_wine_quality

X, y = load_wine_quality(color="red")
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, random_state=0
)
y_mean, y_scale = y_train.mean(), y_train.std()
model = make_pipeline(
    StandardScaler(),
    MLPRegressor(
        hidden_layer_sizes=(128, 128),
        dropout=0.2,
        random_state=0,
    ),
).fit(X_train, (y_train - y_mean) / y_scale)
print(f"trained {model[-1].n_iter_} epochs")

# %%
# Deterministic against Monte Carlo predictions
# ---------------------------------------------
single = model.predict(X_test) * y_scale + y_mean
start = time.perf_counter()
mean, std = model.predict(X_test, mc_samples=200, return_std=True)
seconds = time.perf_counter() - start
mean, std = mean * y_scale + y_mean, std * y_scale
baseline = np.full_like(single, y_train.mean())
for name, prediction in [
    ("predict the training mean", baseline),
    ("one deterministic pass", single),
    ("mean of 200 MC passes", mean),
]:
    print(
        f"{name:>26}: RMSE {root_mean_squared_error(y_test, prediction):.3f}, "
        f"MAE {mean_absolute_error(y_test, prediction):.3f}"
    )
print(f"200 passes over {len(X_test)} rows: {seconds:.2f} s")

# %%
# Is the spread informative?
# --------------------------
# Sort the test wines by their predicted standard deviation and compare the
# error in each fifth: if the spread is informative, the wines the model is
# least sure about are the ones it gets most wrong.
errors = np.abs(y_test.to_numpy() - mean)
order = np.argsort(std)
fifths = np.array_split(order, 5)
for i, rows in enumerate(fifths, start=1):
    print(
        f"fifth {i} (std {std[rows].mean():.3f}): "
        f"mean absolute error {errors[rows].mean():.3f}"
    )
correlation = np.corrcoef(std, errors)[0, 1]
print(f"correlation of std and absolute error: {correlation:.2f}")
within = np.mean(errors <= 2 * std)
print(f"test wines within 2 std of the MC mean: {within:.0%}")

fig, (ax_points, ax_bins) = plt.subplots(1, 2, figsize=(10, 4))
ax_points.scatter(std, errors, s=8, alpha=0.5)
ax_points.set(xlabel="MC dropout std", ylabel="absolute error", title="Each test wine")
ax_bins.bar(
    [f"{i}" for i in range(1, 6)],
    [errors[rows].mean() for rows in fifths],
)
ax_bins.set(
    xlabel="fifth of the test set, by predicted std (1 = most sure)",
    ylabel="mean absolute error",
    title="Error by uncertainty",
)
fig.tight_layout()

# %%
# The mean of the passes is slightly more accurate than the single
# deterministic pass, at no cost in training. The spread is an honest but
# weak signal here: the most uncertain fifth of the wines has the largest
# error, yet the correlation with the error is low and the most certain
# fifth is not the most accurate. MC dropout estimates the model's own
# (epistemic) uncertainty, not the noise in the tasters' integer scores,
# which dominates the error on this data; that is also why only about half
# the wines lie within two standard deviations. Read it as a ranking of
# how sure the model is, not as a calibrated interval.
