"""Docstring sections that MLPClassifier and MLPRegressor share."""

SHARED_PARAMETERS = """\
hidden_layer_sizes : int or tuple of int, default=(100,)
        Units of each hidden layer; ``()`` builds no hidden layer (a linear or
        logistic model).

    activation : {"relu", "leaky_relu", "elu", "selu", "gelu", "swish", \
"tanh", "sigmoid", "softplus", "linear"}, default="relu"
        Activation of every hidden layer.

    kernel_initializer : str, default="auto"
        ``"auto"`` picks He-normal for the ReLU family and ELU, LeCun-normal
        for SELU and Glorot-uniform for tanh, sigmoid and linear (and for the
        output layer). Also ``glorot_uniform``, ``glorot_normal``,
        ``he_uniform``, ``he_normal``, ``lecun_uniform``, ``lecun_normal``,
        ``orthogonal``, ``random_normal``, ``random_uniform``, ``zeros``.

    batch_normalization : {False, "before", "after"}, default=False
        Batch normalisation in each hidden layer, before or after its
        activation.

    dropout : float in [0, 1), default=0.0
        Dropout rate after each hidden layer; AlphaDropout with ``"selu"``.

    input_dropout : float in [0, 1), default=0.0
        Dropout rate on the inputs.

    l1, l2 : float >= 0, default=0.0
        Penalties ``l1 * sum(|w|)`` and ``l2 * sum(w**2)`` on every kernel,
        added to the loss.

    max_norm : float > 0, default=None
        Max-norm constraint on the incoming weights of each unit.

    optimizer : str, keras.optimizers.Optimizer class or instance, \
default="adam"
        ``sgd``, ``adam``, ``adamw``, ``nadam``, ``rmsprop``, ``adagrad``,
        ``adadelta``, ``adamax``. An instance is copied and keeps its own
        settings. Routed parameters (``optimizer__beta_1=0.8``) set the
        optimizer's other arguments.

    learning_rate : float > 0, default=1e-3
        Initial learning rate.

    momentum : float in [0, 1], default=0.9
        Momentum of ``sgd`` and ``rmsprop``.

    nesterov : bool, default=True
        Nesterov momentum for ``sgd``.

    weight_decay : float >= 0, default=None
        Decoupled weight decay.

    clipnorm, clipvalue, global_clipnorm : float > 0, default=None
        Gradient clipping by each weight's norm, by value, or by the global
        norm. At most one may be set.

    epochs : int >= 1, default=200
        Number of passes over the training data.

    batch_size : int >= 1 or "auto", default="auto"
        Minibatch size; ``"auto"`` is ``min(200, n_samples)``.

    shuffle : bool, default=True
        Shuffle the training data every epoch.

    callbacks : list of keras.callbacks.Callback, default=None
        Called at the start and end of training and of every epoch, with logs
        holding ``loss``, ``learning_rate`` and the metrics. Batch-level hooks
        are not called: batches run inside one compiled function per epoch.

    metrics : list, default=None
        Extra Keras metrics (names such as ``"accuracy"``, metric classes or
        instances, or functions), recorded per epoch in ``history_``.

    random_state : int, RandomState instance or None, default=None
        Seeds the initial weights, dropout masks and epoch orders. An int
        gives the same fitted model in any process; no global random state is
        read or changed.

    verbose : int, default=0
        0 is silent; 1 prints one line per epoch.

    warm_start : bool, default=False
        When True, ``fit`` continues from the fitted weights.

    **routed_params
        scikeras-style routed parameters: ``optimizer__*``, ``loss__*``,
        ``callbacks__*``, ``metrics__*``."""

SHARED_ATTRIBUTES = """\
model_ : keras.Model
        The fitted network, compiled with its optimizer.

    history_ : dict of str to list
        Per-epoch ``loss``, ``learning_rate`` and metrics.

    n_iter_ : int
        Number of epochs run.

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of str
        Feature names seen during fit, when ``X`` has string column names.

    n_outputs_ : int
        Number of targets."""


def with_shared_sections(cls):
    """Fill the ``{parameters}`` and ``{attributes}`` slots of a class docstring."""
    cls.__doc__ = cls.__doc__.format(
        parameters=SHARED_PARAMETERS, attributes=SHARED_ATTRIBUTES
    )
    return cls
