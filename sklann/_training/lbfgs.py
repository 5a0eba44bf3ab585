"""Full-batch L-BFGS: scipy's L-BFGS-B on the network's loss and gradient.

scikit-learn's MLP offers L-BFGS for small data sets, where it converges in
fewer, stronger iterations than minibatch Adam. Here the loss is the one
minibatch training minimises (:func:`sklann._training.step.weighted_loss`,
penalties included), over all the rows at once; one traced TensorFlow
function gives it and its gradient for a flat float64 vector of the
network's variables, and scipy's L-BFGS-B does the rest, with scikit-learn's
stopping settings (``maxiter``, ``maxfun``, ``gtol=tol``).

Each iteration sees all the data, so there is no dropout, batch
normalisation, schedule or callback: the estimators refuse those settings
beside it (:mod:`sklann._estimator.full_batch`).
"""

from typing import NamedTuple

import numpy as np
import scipy.optimize
import scipy.sparse as sp
import tensorflow as tf

from .._network.forward import GraphNetwork
from .._network.layers import layer_kinds
from .step import weighted_loss


class LBFGSResult(NamedTuple):
    """The outcome of :func:`train_lbfgs`.

    ``losses`` holds the loss after each iteration; ``converged`` is False
    when ``max_iter`` or ``max_fun`` ran out first (``message`` says which).
    """

    weights: list
    losses: list
    converged: bool
    interrupted: bool
    message: str


def train_lbfgs(
    spec, loss, hyper, weights, data, *, max_iter, max_fun, tol, stop, verbose=0
):
    """Minimise the full-batch loss from ``weights`` with L-BFGS-B.

    Parameters
    ----------
    spec : NetworkSpec
        A network of Dense layers only (what L-BFGS trains).
    loss : TrainingLoss
    hyper : dict of str to float
        The numeric settings the loss and penalties read (``l1``, ``l2``, ...).
    weights : list of ndarray
        The starting variables, in Keras's order.
    data : (X, targets, sample_weights)
        Sparse features are densified: L-BFGS is for data that fits at once.
    max_iter, max_fun : int
        scipy's ``maxiter`` and ``maxfun``.
    tol : float
        scipy's ``gtol``, as scikit-learn passes its ``tol``.
    stop : callable
        Returns True to stop after the current iteration (Ctrl-C).
    verbose : int, default=0
        1 prints the loss after every iteration.

    Returns
    -------
    LBFGSResult
    """
    network = GraphNetwork(layer_kinds(spec), spec.precision)
    shapes = [np.shape(w) for w in weights]
    value_and_gradient = _loss_function(network, loss, hyper, data, shapes)
    losses = []
    interrupted = []

    def after_iteration(intermediate_result):
        losses.append(float(intermediate_result.fun))
        if verbose:
            print(f"Iteration {len(losses)}/{max_iter} - loss: {losses[-1]:.4g}")
        if stop():
            interrupted.append(True)
            raise StopIteration

    start = np.concatenate([np.ravel(w).astype(np.float64) for w in weights])
    result = scipy.optimize.minimize(
        lambda flat: tuple(part.numpy() for part in value_and_gradient(flat)),
        start,
        method="L-BFGS-B",
        jac=True,
        callback=after_iteration,
        options={"maxiter": max_iter, "maxfun": max_fun, "gtol": tol},
    )
    dtype = np.dtype(network.output_dtype.as_numpy_dtype)
    sizes = np.cumsum([int(np.prod(shape)) for shape in shapes])[:-1]
    final = [
        part.reshape(shape).astype(dtype)
        for part, shape in zip(np.split(result.x, sizes), shapes, strict=True)
    ]
    return LBFGSResult(
        final, losses, result.status == 0, bool(interrupted), str(result.message)
    )


def _loss_function(network, loss, hyper, data, shapes):
    """A traced function: flat float64 variables to (loss, gradient), float64."""
    X, targets, sample_weights = data
    dtype = network.output_dtype
    features = tf.constant(X.toarray() if sp.issparse(X) else X, dtype)
    batch = (features, tf.constant(targets), tf.constant(sample_weights, dtype))
    settings = {name: tf.constant(value) for name, value in hyper.items()}
    sizes = [int(np.prod(shape)) for shape in shapes]

    @tf.function(input_signature=[tf.TensorSpec([None], tf.float64)])
    def value_and_gradient(flat):
        parts = tf.split(tf.cast(flat, dtype), sizes)
        variables = [tf.reshape(p, s) for p, s in zip(parts, shapes, strict=True)]
        with tf.GradientTape() as tape:
            tape.watch(variables)
            value, *_ = weighted_loss(
                network, loss, variables, batch, settings, training=False
            )
        gradients = tape.gradient(value, variables)
        flat_gradient = tf.concat([tf.reshape(g, [-1]) for g in gradients], axis=0)
        return tf.cast(value, tf.float64), tf.cast(flat_gradient, tf.float64)

    return value_and_gradient
