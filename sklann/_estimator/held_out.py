"""The validation split: rows held out for early stopping and ``val_loss``."""

from sklearn.model_selection import ShuffleSplit, StratifiedShuffleSplit

# The fewest held-out rows a validation loss is computed on (as scikit-learn).
MIN_VALIDATION_SAMPLES = 2


def validation_split(data, strata, fraction, seed):
    """Hold out ``fraction`` of the rows: shuffled, stratified if ``strata``.

    Never the last rows (Keras's ``validation_split``), which would leak any
    ordering of the data into the validation set.

    Returns
    -------
    (X, targets, weights), (X, targets, weights)
        The training rows and the held-out rows.
    """
    X, targets, weights = data
    splitter = (ShuffleSplit if strata is None else StratifiedShuffleSplit)(
        n_splits=1, test_size=fraction, random_state=seed
    )
    try:
        train, held_out = next(splitter.split(X, strata))
    except ValueError as error:
        stratified = "" if strata is None else ", stratified by class,"
        raise ValueError(
            f"Could not hold out validation_split={fraction} of the "
            f"{len(weights)} samples{stratified} ({error}). Use more data, "
            "a larger validation_split, or no validation data "
            "(early_stopping=False, validation_split=None)."
        ) from None
    if len(held_out) < MIN_VALIDATION_SAMPLES:  # one row is no loss to monitor
        raise ValueError(
            f"The validation set is too small: validation_split={fraction} of "
            f"the {len(weights)} samples holds out {len(held_out)}, and at least "
            f"{MIN_VALIDATION_SAMPLES} are needed. Use more data, a larger "
            "validation_split, or no validation data (early_stopping=False, "
            "validation_split=None)."
        )
    return (
        (X[train], targets[train], weights[train]),
        (X[held_out], targets[held_out], weights[held_out]),
    )
