"""Docstring sections that MLPClassifier and MLPRegressor share."""

SHARED_PARAMETERS = """\
hidden_layer_sizes : int or tuple of int, default=(100,)
        Units of each hidden layer; ``()`` builds no hidden layer (a linear or
        logistic model).

    activation : {"relu", "leaky_relu", "elu", "selu", "gelu", "swish", \
"tanh", "sigmoid", "softplus", "linear"}, default="relu"
        Activation of every hidden layer.

    kernel_initializer : str, default="auto"
        ``"auto"`` picks Keras's default, Glorot-uniform, for every
        activation (and the output layer) but SELU, which gets LeCun-normal
        (see the activations guide for the measurements). Also
        ``glorot_uniform``, ``glorot_normal``, ``he_uniform``, ``he_normal``,
        ``lecun_uniform``, ``lecun_normal``, ``orthogonal``, ``random_normal``,
        ``random_uniform``, ``zeros``.

    batch_normalization : {False, "before", "after"}, default=False
        Batch normalisation in each hidden layer, before or after its
        activation.

    dropout : float in [0, 1), default=0.0
        Dropout rate after each hidden layer; AlphaDropout with ``"selu"``.

    input_dropout : float in [0, 1), default=0.0
        Dropout rate on the inputs.

    dropout_schedule : {"constant", "flat_cosine"}, default="constant"
        How both dropout rates change during training. ``"flat_cosine"``
        (RealMLP's): the full rates for the first half of ``epochs``, then
        a cosine down to 0 at the last epoch, so that the last epochs train
        the network that prediction uses without noise. A warm-started fit
        starts a new cycle, as ``lr_schedule="cosine"`` does. Read only when
        a dropout rate is above 0 (as ``momentum`` only by the optimizers
        that take it), so that one search can draw both.

    l1, l2 : float >= 0, default=0.0
        Penalties ``l1 * sum(|w|)`` and ``l2 * sum(w**2)`` on every kernel,
        added to the loss.

    max_norm : float > 0, default=None
        Max-norm constraint on the incoming weights of each unit.

    numerical_embedding : {None, "periodic"}, default=None
        ``"periodic"`` embeds each feature ``x`` before the hidden layers as
        ``x`` itself and ``relu(W [cos(2 pi c x), sin(2 pi c x)] + b)``, with
        trained frequencies ``c``, kernel ``W`` and bias ``b`` of its own
        (Gorishniy et al.'s PLR embedding, 2022, keeping ``x`` as RealMLP
        does): the first layer then sees ``embedding_dim + 1`` inputs per
        feature.

    embedding_dim : int >= 1, default=8
        Outputs per feature of the periodic embedding.

    embedding_frequencies : int >= 1, default=16
        Frequencies per feature of the periodic embedding.

    embedding_scale : float > 0, default=0.1
        Standard deviation of the embedding's initial frequencies, in units
        of the (scaled) features: small values start smooth, large ones can
        fit sharp changes. The embedding's most important setting. The
        three ``embedding_*`` settings are read only with
        ``numerical_embedding="periodic"``, so that one search can draw them
        beside ``numerical_embedding=None``.

    feature_scaling : bool, default=False
        A learned scale per input of the first hidden layer (per embedding
        output with an embedding), starting at 1: lets the network weigh
        features down or up at once, as RealMLP's scaling layer.

    n_ensemble : int >= 1, default=1
        Trains that many networks at once as one (TabM-mini, Gorishniy et
        al., 2025): the hidden layers are shared, each member scales the
        first layer's inputs by its own vector (random signs at the start;
        normal after an embedding) and has its own output layer. The loss is
        the mean of the members' losses (and so is the validation loss that
        early stopping watches); predictions are the mean of the members'
        probabilities or values. It costs about ``n_ensemble`` times the
        hidden layers' work per row, and adds few parameters.

    optimizer : str, keras.optimizers.Optimizer class or instance, \
default="adam"
        ``sgd``, ``adam``, ``adamw``, ``nadam``, ``rmsprop``, ``adagrad``,
        ``adadelta``, ``adamax``, or ``lbfgs``: full-batch L-BFGS (scipy's
        L-BFGS-B), as scikit-learn's ``solver="lbfgs"``, for small data
        sets; it needs no learning rate and refuses the settings only
        minibatch training reads (dropout, batch norm, schedules, callbacks,
        early stopping, clipping, a learning rate or batch size of its own).
        An instance is copied and keeps its own settings. Routed parameters
        (``optimizer__beta_1=0.8``) set the optimizer's other arguments.

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

    ema_momentum : float in (0, 1), default=None
        Keeps an exponential moving average of the weights, ``average =
        ema_momentum * average + (1 - ema_momentum) * weights`` after every
        step (Keras's ``use_ema``; ``optimizer__use_ema=True`` means the
        same), and predicts with the average: an ensemble of the last
        ``1 / (1 - ema_momentum)`` steps' networks at the cost of one. With
        early stopping the validation loss, and so the best epoch, is that
        of the average (Keras validates the raw weights). None trains
        without.

    lr_schedule : str, keras LearningRateSchedule or callable, \
default="constant"
        How the learning rate changes; ``history_["learning_rate"]`` records
        the rate at the start of every epoch. Periods are in epochs, and the
        per-step schedules move at every optimisation step.

        - ``"constant"``: ``learning_rate`` throughout.
        - ``"exponential"``: ``lr * rate ** (t / decay_epochs)``, per step
          (``t`` is the epoch position, fractions included).
        - ``"inverse_time"``: ``lr / (1 + rate * t / decay_epochs)``, per step.
        - ``"step"``: times ``rate`` every ``decay_epochs`` epochs.
        - ``"cosine"``: half a cosine from ``lr`` down to ``rate * lr`` over
          the whole run (``epochs``), per step.
        - ``"cosine_restarts"``: SGDR warm restarts; the first cycle lasts
          ``decay_epochs``, each next one twice as long, each from ``lr`` down
          to ``rate * lr``.
        - ``"one_cycle"``: 1cycle; rises from ``rate * lr`` to the peak
          ``lr`` over the first 30% of the run, then anneals to
          ``rate * lr / 1e4``. Momentum (``momentum`` or ``beta_1``) moves the
          other way, down by 0.1 at the peak, and is recorded in
          ``history_["momentum"]``.
        - ``"plateau"``: times ``rate`` after ``decay_epochs`` epochs in which
          the monitored loss (``val_loss`` with early stopping, else
          ``loss``) did not improve by more than ``tol``.
        - A ``keras.optimizers.schedules.LearningRateSchedule``: called with
          the number of steps since the warm-up.
        - A callable ``(epoch, lr) -> lr``: called once per epoch with the
          epochs since the warm-up and the previous epoch's rate.

    lr_decay_rate : float > 0, default=0.1
        The schedule's factor (``rate`` above); at most 1 except for
        ``inverse_time``.

    lr_decay_epochs : float > 0 or "auto", default="auto"
        The schedule's period in epochs (the patience of ``plateau``).
        ``"auto"`` is ``epochs`` for ``exponential`` (the rate reaches
        ``rate * lr`` at the end of the run), ``epochs / 3`` for ``step``
        (two cuts), and 10 for the others.

    lr_warmup_epochs : int >= 0, default=0
        Epochs of linear warm-up from ``learning_rate / steps`` to
        ``learning_rate``, per step, before the schedule starts.

    epochs : int >= 1, default=200
        Most passes over the training data (L-BFGS: most iterations).

    max_fun : int >= 1, default=15000
        ``optimizer="lbfgs"`` only (refused away from its default beside
        other optimizers): most evaluations of the loss, as scikit-learn's
        ``max_fun``.

    batch_size : int >= 1 or "auto", default="auto"
        Minibatch size; ``"auto"`` is ``min(200, n_samples)``.

    early_stopping : bool or "auto", default="auto"
        Hold out ``validation_split`` of the training data, monitor its loss,
        stop once it has not improved by more than ``tol`` for ``patience``
        epochs, and restore the weights of the best epoch. ``"auto"`` is on
        when there are more than 10,000 samples. ``partial_fit`` never holds
        out data.

    validation_split : float in (0, 1) or None, default=None
        Fraction of the training data held out as validation data: shuffled
        with ``random_state`` and stratified by class for classifiers, never
        the last rows. As in Keras, a value holds it out whenever it is set:
        ``history_`` and the callbacks get ``val_loss`` (and ``val_*``
        metrics) every epoch; without early stopping, training still watches
        the training loss. ``None`` holds out 0.1 for early stopping, and
        nothing otherwise.

    patience : int >= 1 or None, default=10
        Epochs without progress before training stops. Without early
        stopping the training loss is watched, as in scikit-learn's MLP, and
        a ``ConvergenceWarning`` says when ``epochs`` ran out first. ``None``
        trains every epoch, without the warning.

    tol : float >= 0, default=1e-4
        Smallest decrease of the monitored loss that counts as progress.

    shuffle : bool, default=True
        Shuffle the training data every epoch.

    callbacks : list of keras.callbacks.Callback, default=None
        Called at ``on_train_begin``/``on_train_end`` and
        ``on_epoch_begin``/``on_epoch_end``, with logs holding ``loss``,
        ``learning_rate``, the metrics and, with early stopping,
        ``val_loss`` and the validation metrics. Batch-level hooks are not
        called: the batches of an epoch run inside one compiled function.
        Each fit uses deep copies (kept in ``callbacks_``), so the objects
        passed here are never changed. A callback may stop training by
        setting ``self.model.stop_training = True``.

    metrics : list, default=None
        Extra Keras metrics (names such as ``"accuracy"``, metric classes or
        instances, or functions), recorded per epoch in ``history_`` (and as
        ``val_<name>`` with early stopping).

    precision : {"float32", "float64", "mixed_float16", "mixed_bfloat16"}, \
default="float32"
        The floats training computes in. ``"float64"`` trains the data, the
        weights and the loss in double precision, for precision-sensitive
        data (features with a large offset, exact sample-weight equivalence),
        at 1.5 to 2 times the time on a CPU. Mixed precision computes the hidden layers
        in 16 bits, keeps the weights and the output layer in float32, and
        scales the loss for float16. Set on this model only: Keras's global
        policy is unchanged.

    random_state : int, RandomState instance or None, default=None
        Seeds the initial weights, dropout masks and epoch orders. An int
        gives the same fitted model in any process; no global random state is
        read or changed.

    verbose : int, default=0
        0 is silent; 1 prints one line per epoch: the epoch, the losses, the
        learning rate, the metrics and the time it took.

    warm_start : bool, default=False
        When True, ``fit`` continues from the fitted weights.

    **routed_params
        scikeras-style routed parameters: ``optimizer__*``, ``loss__*``,
        ``callbacks__*``, ``metrics__*``."""

SHARED_ATTRIBUTES = """\
model_ : keras.Model
        The fitted network, compiled with its optimizer.

    history_ : dict of str to list
        Per-epoch ``loss``, ``learning_rate`` and metrics; ``val_loss`` and
        ``val_<metric>`` with early stopping; ``momentum`` with
        ``lr_schedule="one_cycle"``. Continued training appends.

    n_iter_ : int
        Number of epochs the last call ran: ``fit`` (warm-started too, as
        scikit-learn counts them) or ``partial_fit`` (one). ``history_``
        keeps every call's epochs.

    best_epoch_ : int
        Index into ``history_`` of the epoch with the lowest monitored loss
        (``val_loss`` with early stopping, whose weights the model has; else
        ``loss``).

    callbacks_ : list of keras.callbacks.Callback
        The copies of ``callbacks`` that the last fit called.

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
