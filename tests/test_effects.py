"""Clipping, weight decay and penalties change training as documented.

Checked on sklann's own engine, by their effect on the weights and the loss
(``tests/test_updates.py`` checks the same settings against Keras's fit).
"""

import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.preprocessing import StandardScaler

from sklann import MLPClassifier

X, Y = load_iris(return_X_y=True)
X = StandardScaler().fit_transform(X)
# One full-batch SGD step at rate 1, no momentum: the update is the gradient.
ONE_STEP = dict(
    hidden_layer_sizes=(8,),
    optimizer="sgd",
    momentum=0.0,
    learning_rate=1.0,
    epochs=1,
    batch_size=len(X),
    patience=None,
    random_state=0,
)


def _update(**params):
    start = MLPClassifier(**ONE_STEP, **params).initialize(X, Y)._weights
    trained = MLPClassifier(**ONE_STEP, **params).fit(X, Y)._weights
    return [after - before for after, before in zip(trained, start, strict=True)]


def test_clipvalue_bounds_every_coordinate_of_the_update():
    free = max(np.abs(step).max() for step in _update())
    clipped = max(np.abs(step).max() for step in _update(clipvalue=1e-3))
    assert free > 1e-2  # the gradient itself is larger than the clip
    assert clipped <= 1e-3 + 2e-7  # float32 weights near 1: 1e-7 apart


def test_global_clipnorm_bounds_the_norm_of_the_whole_update():
    norm = np.sqrt(sum(np.sum(step**2) for step in _update(global_clipnorm=1e-3)))
    assert norm == pytest.approx(1e-3, rel=1e-3)


def test_weight_decay_shrinks_the_weights():
    plain = MLPClassifier(**dict(ONE_STEP, epochs=20)).fit(X, Y)
    decayed = MLPClassifier(**dict(ONE_STEP, epochs=20), weight_decay=0.2).fit(X, Y)
    norm = lambda model: np.sqrt(sum(np.sum(w**2) for w in model._weights))  # noqa: E731
    assert norm(decayed) < 0.9 * norm(plain)


@pytest.mark.parametrize("penalty", ["l1", "l2"])
def test_penalties_add_their_term_to_the_loss(penalty):
    tiny = dict(ONE_STEP, learning_rate=1e-12)  # the weights stay where they start
    plain = MLPClassifier(**tiny).fit(X, Y)
    penalised = MLPClassifier(**tiny, **{penalty: 0.01}).fit(X, Y)
    kernels = [w for w in plain._weights if w.ndim == 2]
    term = sum(np.sum(np.abs(k) if penalty == "l1" else k**2) for k in kernels)
    added = penalised.history_["loss"][0] - plain.history_["loss"][0]
    assert added == pytest.approx(0.01 * term, rel=1e-3)
