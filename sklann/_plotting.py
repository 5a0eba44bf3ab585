"""The one place where sklann imports matplotlib (lazily, the ``plot`` extra)."""


def axes(ax=None):
    """``ax``, or the axes of a new figure when it is None."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots()
    return ax
