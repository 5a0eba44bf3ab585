"""One L2 strength in each library's own convention.

The benchmarks state L2 as Keras (and sklann) do: ``l2 * sum(W**2)`` added
to the batch's mean loss, on kernels. The others scale it differently:

- scikit-learn's ``alpha`` adds ``0.5 * alpha * sum(W**2) / batch_size``,
  so ``alpha = 2 * batch_size * l2``;
- PyTorch's ``weight_decay`` adds ``weight_decay * W`` to the gradient, the
  gradient of ``0.5 * weight_decay * sum(W**2)``, so ``weight_decay = 2 *
  l2`` (on biases too, which the others leave alone).

Light on purpose: the first-search benchmark imports it in fresh processes
whose import time it measures.
"""

# The batch size every benchmark trains with (each library's "auto" on
# digits, and competitors.BATCH).
BATCH = 200


def sklearn_alpha(l2, batch_size=BATCH):
    """scikit-learn's ``alpha`` for Keras's ``l2`` at ``batch_size``.

    >>> sklearn_alpha(1e-4)
    0.04
    """
    return 2 * batch_size * l2


def torch_weight_decay(l2):
    """PyTorch's ``weight_decay`` for Keras's ``l2`` (its gradient is the same).

    >>> torch_weight_decay(1e-4)
    0.0002
    """
    return 2 * l2
