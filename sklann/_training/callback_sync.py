"""The state between epochs when Keras callbacks run: mirrored in a Keras model.

The training engine (:mod:`sklann._training.engine`) runs one call per epoch
when callbacks need serving; :class:`CallbackSync` loads the state into the
callbacks' Keras model around each hook and reads back what they changed.
"""


class CallbackSync:
    """The state between epochs, mirrored in the callbacks' Keras model.

    The model's ``optimizer.learning_rate`` shows the rate of the epoch; a
    callback that assigns another one (``LearningRateScheduler``,
    ``ReduceLROnPlateau``) sets the rate of every later step, as in Keras,
    which :meth:`around_epoch` hands back.
    """

    def __init__(self, view, state, schedule):
        self.view = view
        self.state = state
        self.schedule = schedule
        self.fixed_rate = None

    def around(self, hook, *args):
        """Call a callback hook with the state loaded; take back what it changed."""
        if self.view is None:
            hook(*args)
            return
        self.view.load(*self.state)
        hook(*args)
        self.state = self.view.read()

    def around_epoch(self, hook, epoch, shown, *args):
        """:meth:`around` for a per-epoch hook, showing the rate ``shown``.

        Returns the rate of the next steps: None while no callback has set
        one (the schedule's rates apply).
        """
        if self.view is None:
            hook(epoch, *args)
            return None
        optimizer = self.view.model.optimizer
        self.view.load(*self.state)
        optimizer.learning_rate = float(shown)
        shown = float(optimizer.learning_rate)  # as float32 holds it
        hook(epoch, *args)
        rate = float(optimizer.learning_rate)
        self.state = self.view.read()
        if rate != shown:
            self.check_settable(f"A callback that set it to {rate:.3g}")
            self.fixed_rate = rate
        return self.fixed_rate

    def check_settable(self, callback):
        """Raise unless callbacks may set the learning rate (a constant schedule)."""
        schedule = self.schedule
        if schedule.schedule == "constant" and not schedule.warmup_epochs:
            return
        raise ValueError(
            f"{callback} sets the learning rate, but "
            f"lr_schedule={schedule.schedule!r} (with lr_warmup_epochs="
            f"{schedule.warmup_epochs}) sets the rate of every step. Use one: "
            "lr_schedule='constant' with callbacks that set the rate "
            "(LearningRateScheduler, ReduceLROnPlateau), or sklann's schedules "
            "(lr_schedule='plateau' is ReduceLROnPlateau) without them."
        )
