"""
Learning-rate schedules compared
================================

A constant rate, exponential decay, 1cycle and SGDR (cosine annealing with
warm restarts), each one value of the ``lr_schedule`` parameter of
:class:`~sklann.MLPClassifier`. The rate of every epoch is recorded in
``history_["learning_rate"]``, so the curves below are the rates the
optimizer really used. The network is trained with SGD and Nesterov
momentum on the digits data, where the schedule matters more than with
Adam.
"""

# %%
# Four schedules
# --------------
# * ``constant``: 0.01 throughout.
# * ``exponential``: ``lr * lr_decay_rate ** (epoch / lr_decay_epochs)``,
#   here from 0.05 down by a factor of 10 every 15 epochs.
# * ``one_cycle``: up from ``lr_decay_rate * lr`` to the peak ``lr`` (0.1)
#   over the first 30% of the run, then down to nearly zero; the momentum
#   moves the other way.
# * ``cosine_restarts`` (SGDR): a cosine from 0.05 down to
#   ``lr_decay_rate * lr``, restarting after 5, then 10, then 20 epochs.
import time

import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.model_selection import cross_val_score, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklann import MLPClassifier

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=0
)

schedules = {
    "constant": dict(lr_schedule="constant", learning_rate=0.01),
    "exponential": dict(
        lr_schedule="exponential", learning_rate=0.05, lr_decay_epochs=15
    ),
    "one_cycle": dict(lr_schedule="one_cycle", learning_rate=0.1),
    "cosine_restarts": dict(
        lr_schedule="cosine_restarts",
        learning_rate=0.05,
        lr_decay_rate=0.01,
        lr_decay_epochs=5,
    ),
}
fig, (ax_rate, ax_loss) = plt.subplots(1, 2, figsize=(10, 4))
for name, params in schedules.items():
    pipe = make_pipeline(
        StandardScaler(),
        MLPClassifier(
            hidden_layer_sizes=(256, 128),
            optimizer="sgd",
            batch_size=32,
            epochs=35,
            patience=None,
            random_state=0,
            **params,
        ),
    )
    start = time.perf_counter()
    cv_accuracy = cross_val_score(pipe, X_train, y_train, cv=3).mean()
    pipe.fit(X_train, y_train)
    history = pipe[-1].history_
    print(
        f"{name:>15}: CV accuracy {cv_accuracy:.3f}, test accuracy "
        f"{pipe.score(X_test, y_test):.3f}, final training loss "
        f"{history['loss'][-1]:.4f} ({time.perf_counter() - start:.1f} s)"
    )
    ax_rate.plot(history["learning_rate"], label=name)
    ax_loss.plot(history["loss"], label=name)
ax_rate.set(yscale="log", xlabel="epoch", ylabel="learning rate")
ax_rate.set_title("The rate of every epoch")
ax_loss.set(yscale="log", xlabel="epoch", ylabel="training loss")
ax_loss.set_title("Training loss")
ax_rate.legend(fontsize="small")
fig.tight_layout()

# %%
# Reading the curves
# ------------------
# The schedules that anneal to a small rate, 1cycle and SGDR, end at a
# training loss about five times lower than the constant rate, whose loss
# stays at the level its step size allows; exponential decay lands in
# between. SGDR's restarts show as bumps in the loss: each restart kicks the
# weights out of the minimum they had settled in, and each cycle ends lower.
# 1cycle spends its first epochs climbing to a peak ten times the constant
# rate and then anneals. On data this easy the accuracies stay within about
# half a point of each other; what the schedules buy is a low loss without
# hand-tuning a rate decay.
