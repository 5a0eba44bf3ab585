"""The three estimators under comparison, configured to train the same network.

Each factory takes the hidden layer sizes, epochs, learning rate and L2 (in
Keras's convention, converted for the others by :mod:`penalties`) and
returns an unfitted estimator: one hidden ReLU stack, Adam, batch 200, no
early stopping and no convergence stop, so that every library runs exactly
the same number of epochs. All start from Glorot-uniform kernels, as
scikit-learn's MLP does (sklann's default since issue 17; with He-normal
the 45k-row workload scored 0.79 instead of 0.81).
"""

import keras
import numpy as np
from penalties import BATCH, sklearn_alpha, torch_weight_decay
from scikeras.wrappers import KerasClassifier, KerasRegressor
from sklearn.neural_network import MLPClassifier as SklearnMLPClassifier
from sklearn.neural_network import MLPRegressor as SklearnMLPRegressor

from sklann import MLPClassifier, MLPRegressor


def sklann_model(task, hidden, epochs, lr=1e-3, l2=0.0, seed=0):
    cls = MLPClassifier if task == "classification" else MLPRegressor
    return cls(
        hidden_layer_sizes=hidden,
        epochs=epochs,
        learning_rate=lr,
        l2=l2,
        batch_size=BATCH,
        kernel_initializer="glorot_uniform",
        early_stopping=False,
        patience=None,  # every epoch, as sklearn's tol=0 below
        random_state=seed,
    )


def sklearn_model(task, hidden, epochs, lr=1e-3, l2=0.0, seed=0):
    cls = SklearnMLPClassifier if task == "classification" else SklearnMLPRegressor
    # tol=0 and a patience above the epoch count make it run every epoch, as
    # the others do.
    return cls(
        hidden_layer_sizes=hidden,
        max_iter=epochs,
        learning_rate_init=lr,
        alpha=sklearn_alpha(l2),
        batch_size=BATCH,
        tol=0.0,
        n_iter_no_change=epochs + 1,
        random_state=seed,
    )


def _build(meta, hidden, l2, task):
    n_features = meta["n_features_in_"]
    layers = [keras.Input((n_features,))]
    regularizer = keras.regularizers.L2(l2) if l2 else None
    for units in hidden:
        layers.append(
            keras.layers.Dense(
                units,
                activation="relu",
                kernel_initializer="glorot_uniform",
                kernel_regularizer=regularizer,
            )
        )
    if task == "classification":
        n_classes = meta["n_classes_"]
        layers.append(keras.layers.Dense(n_classes, activation="softmax"))
    else:
        layers.append(keras.layers.Dense(meta["n_outputs_"]))
    return keras.Sequential(layers)


def scikeras_model(task, hidden, epochs, lr=1e-3, l2=0.0, seed=0):
    common = dict(
        model=_build,
        model__hidden=hidden,
        model__l2=l2,
        model__task=task,
        optimizer="adam",
        optimizer__learning_rate=lr,
        epochs=epochs,
        batch_size=BATCH,
        verbose=0,
        random_state=seed,
    )
    if task == "classification":
        return KerasClassifier(loss="sparse_categorical_crossentropy", **common)
    return KerasRegressor(loss="mse", **common)


COMPETITORS = {
    "sklann": sklann_model,
    "scikit-learn": sklearn_model,
    "scikeras": scikeras_model,
}


try:  # skorch and PyTorch come with the optional "bench" extra
    import torch
    from skorch import NeuralNetClassifier
except ImportError:
    torch = None
else:

    class TorchMLP(torch.nn.Module):
        """A ReLU stack with a linear output (the loss applies the softmax)."""

        def __init__(self, hidden=(100,), n_features=64, n_outputs=10):
            super().__init__()
            layers, width = [], n_features
            for units in hidden:
                layers += [torch.nn.Linear(width, units), torch.nn.ReLU()]
                width = units
            layers.append(torch.nn.Linear(width, n_outputs))
            self.layers = torch.nn.Sequential(*layers)

        def forward(self, X):
            return self.layers(X)

    class SkorchClassifier(NeuralNetClassifier):
        """Takes float64 features and integer labels, as the others do."""

        def fit(self, X, y, **fit_params):
            n_outputs = len(np.unique(y))
            self.set_params(module__n_features=X.shape[1], module__n_outputs=n_outputs)
            return super().fit(X.astype("float32"), y.astype("int64"), **fit_params)

        def predict_proba(self, X):
            return super().predict_proba(X.astype("float32"))


def skorch_model(task, hidden, epochs, lr=1e-3, l2=0.0, seed=0):
    """skorch (PyTorch) with the same network: ReLU stack, Adam, batch 200.

    Classification only. L2 is PyTorch's ``weight_decay`` with the same
    gradient on the kernels (and on the biases, which the others leave
    alone). Needs the optional ``bench`` extra.
    """
    if torch is None:
        raise ImportError('skorch needs the bench extra: pip install -e ".[bench]"')
    if task != "classification":
        raise ValueError("the skorch competitor is a classifier only")
    torch.manual_seed(seed)
    return SkorchClassifier(
        module=TorchMLP,
        module__hidden=hidden,
        criterion=torch.nn.CrossEntropyLoss,
        max_epochs=epochs,
        lr=lr,
        optimizer=torch.optim.Adam,
        optimizer__weight_decay=torch_weight_decay(l2),
        batch_size=BATCH,
        train_split=None,
        verbose=0,
    )
