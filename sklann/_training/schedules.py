"""Learning-rate, momentum and dropout-rate schedules as per-step tables.

The training engine reads the rate of every optimisation step from a table
that the host computes before each call: one float per step of the epochs
that the call runs. Tables keep the compiled training function the same for
every schedule (nothing is re-traced when a search tries another schedule)
and make each schedule a plain NumPy formula of the *epoch position*: the
number of epochs done when the step starts, fractions included. Periods are
given in epochs; a step's position is ``epoch + batch / steps_per_epoch``.

``plateau`` is the exception: its reductions depend on the losses, so the
engine multiplies the table by a factor that it lowers during training.

The dropout schedule (:class:`DropoutSchedule`) is a table of the same kind:
a factor on the dropout rates at every step.
"""

from dataclasses import dataclass

import keras
import numpy as np

# 1cycle: the rate peaks after this fraction of the run, then anneals to the
# starting rate divided by ONE_CYCLE_FINAL_DIVISOR (PyTorch's OneCycleLR
# values). Momentum moves the other way, between its value and that value
# minus ONE_CYCLE_MOMENTUM_DIP (0.95 -> 0.85 in fastai).
ONE_CYCLE_PEAK = 0.3
ONE_CYCLE_FINAL_DIVISOR = 1e4
ONE_CYCLE_MOMENTUM_DIP = 0.1

# SGDR: each restart period is this many times the previous one.
RESTART_PERIOD_GROWTH = 2.0

# lr_decay_epochs="auto". A fixed period would make exponential and step
# decay fall to nothing long before a 200-epoch run ends (on digits, 10
# epochs per factor of 0.1 stopped training at epoch 43, test accuracy 0.66
# against 0.98 at a constant rate), so their period is a fraction of
# ``epochs``: the rate reaches ``lr_decay_rate * lr`` at the end of the run
# (exponential), or is cut twice (step). The other schedules' period is
# AUTO_PERIOD_EPOCHS (SGDR's first cycle, the plateau's patience).
AUTO_PERIOD_FRACTION = {"exponential": 1.0, "step": 1 / 3}
AUTO_PERIOD_EPOCHS = 10


def auto_decay_epochs(schedule, epochs):
    """The period of ``lr_decay_epochs="auto"`` for ``schedule`` and ``epochs``.

    Examples
    --------
    >>> auto_decay_epochs("exponential", 200), auto_decay_epochs("step", 200)
    (200.0, 66.7)
    >>> auto_decay_epochs("plateau", 200)
    10
    """
    if isinstance(schedule, str) and schedule in AUTO_PERIOD_FRACTION:
        return round(max(1.0, AUTO_PERIOD_FRACTION[schedule] * epochs), 1)
    return AUTO_PERIOD_EPOCHS


def epoch_positions(first_epoch, n_epochs, steps_per_epoch):
    """Epoch position at the start of each step of ``n_epochs`` epochs.

    Examples
    --------
    >>> epoch_positions(2, 2, 2).tolist()
    [2.0, 2.5, 3.0, 3.5]
    """
    steps = np.arange(n_epochs * steps_per_epoch)
    return first_epoch + steps / steps_per_epoch


def cycle_fraction(epochs_done, run_epochs):
    """Fraction of the current run of ``run_epochs`` done after ``epochs_done``.

    A warm-started fit, or ``partial_fit`` past ``epochs``, starts the next
    cycle: carrying on past the end would train at the final rate (1cycle's
    is 1e-4 of its start) or without dropout for ever.

    Examples
    --------
    >>> cycle_fraction(np.array([0.0, 2.0, 5.0]), 4).tolist()
    [0.0, 0.5, 0.25]
    """
    horizon = max(run_epochs, 1)
    return np.mod(np.maximum(epochs_done, 0.0) / horizon, 1.0)


def _cosine_ramp(start, end, fraction):
    """``start`` at ``fraction=0`` to ``end`` at 1, along half a cosine."""
    return end + (start - end) * 0.5 * (1.0 + np.cos(np.pi * fraction))


def _restart_cycles(position):
    """SGDR cycle index and fraction done, for periods 1, 2, 4, ... (in units)."""
    growth = RESTART_PERIOD_GROWTH
    cycle = np.floor(np.log1p(position * (growth - 1.0)) / np.log(growth))
    done_before = (growth**cycle - 1.0) / (growth - 1.0)
    return cycle, (position - done_before) / growth**cycle


@dataclass(frozen=True)
class RateSchedule:
    """The learning rate (and momentum) of every step of a fit.

    Parameters
    ----------
    schedule : str, keras.optimizers.schedules.LearningRateSchedule or callable
        A name from :data:`SCHEDULES`; a Keras schedule, called with the
        number of steps since warm-up; or ``(epoch, lr) -> lr``, called once
        per epoch with the epochs since warm-up and the previous epoch's rate.
    learning_rate : float
        The base rate (the peak for ``one_cycle``).
    decay_rate : float
        ``exponential``: factor per ``decay_epochs``; ``inverse_time``: the
        rate ``k`` of ``lr / (1 + k t / decay_epochs)``; ``step`` and
        ``plateau``: factor per reduction; ``cosine`` and
        ``cosine_restarts``: the floor, as a fraction of ``learning_rate``;
        ``one_cycle``: the starting rate, as a fraction of the peak.
    decay_epochs : float
        The period: of ``exponential``, ``inverse_time`` and ``step``, of the
        first SGDR cycle (later cycles double), and the patience of
        ``plateau``. ``cosine`` and ``one_cycle`` span the whole run.
    warmup_epochs : int
        Epochs of linear warm-up, from ``learning_rate / steps`` up to
        ``learning_rate``, before the schedule starts.
    total_epochs : int
        Length of the run, for ``cosine`` and ``one_cycle``.
    momentum : float or None
        The optimizer's momentum (or ``beta_1``), which ``one_cycle`` moves
        inversely to the rate; None if it has none.

    Examples
    --------
    >>> schedule = RateSchedule("step", learning_rate=0.1, decay_rate=0.5,
    ...                         decay_epochs=2, warmup_epochs=0,
    ...                         total_epochs=6, momentum=None)
    >>> schedule.rates(first_epoch=0, n_epochs=6, steps_per_epoch=1).tolist()
    [0.10000000149011612, 0.10000000149011612, 0.05000000074505806, \
0.05000000074505806, 0.02500000037252903, 0.02500000037252903]
    """

    schedule: object
    learning_rate: float
    decay_rate: float
    decay_epochs: float
    warmup_epochs: int
    total_epochs: int
    momentum: float | None = None

    @property
    def moves_momentum(self):
        """Whether the momentum changes during training (``one_cycle``)."""
        return self.schedule == "one_cycle" and bool(self.momentum)

    def positions(self, first_epoch, n_epochs, steps_per_epoch):
        """Epoch position at the start of each step of ``n_epochs`` epochs."""
        return epoch_positions(first_epoch, n_epochs, steps_per_epoch)

    def rates(self, first_epoch, n_epochs, steps_per_epoch, previous_rate=None):
        """The learning rate of every step, as a float32 array.

        Parameters
        ----------
        first_epoch : int
            Epochs already trained (the schedule carries on from there).
        n_epochs : int
        steps_per_epoch : int
        previous_rate : float, default=None
            For a callable schedule, the rate of epoch ``first_epoch - 1``;
            the chain restarts from ``learning_rate`` when that epoch was
            not past the warm-up.

        Returns
        -------
        ndarray of shape (n_epochs * steps_per_epoch,)
        """
        position = self.positions(first_epoch, n_epochs, steps_per_epoch)
        warmup = self.warmup_epochs
        after = np.maximum(position - warmup, 0.0)
        if callable(self.schedule) and not isinstance(self.schedule, str):
            rates = self._user_rates(after, steps_per_epoch, previous_rate, position)
        else:
            rates = self._named_rates(after)
        if warmup:
            ramp = self.learning_rate * (
                (position * steps_per_epoch + 1) / (warmup * steps_per_epoch)
            )
            rates = np.where(position < warmup, ramp, rates)
        return np.asarray(rates, dtype=np.float32)

    def momenta(self, first_epoch, n_epochs, steps_per_epoch):
        """The momentum of every step (constant unless ``one_cycle``)."""
        position = self.positions(first_epoch, n_epochs, steps_per_epoch)
        base = self.momentum or 0.0
        if not self.moves_momentum:
            return np.full(len(position), base, dtype=np.float32)
        low = max(base - ONE_CYCLE_MOMENTUM_DIP, 0.0)
        fraction = self._run_fraction(position - self.warmup_epochs)
        rising = fraction < ONE_CYCLE_PEAK
        momenta = np.where(
            rising,
            _cosine_ramp(base, low, fraction / ONE_CYCLE_PEAK),
            _cosine_ramp(low, base, (fraction - ONE_CYCLE_PEAK) / (1 - ONE_CYCLE_PEAK)),
        )
        return momenta.astype(np.float32)

    def _run_fraction(self, after):
        """Fraction of the current run done ``after`` epochs past warm-up.

        ``cosine`` and ``one_cycle`` span ``total_epochs`` (less the warm-up);
        later epochs (a warm-started fit, more ``partial_fit`` calls) repeat
        the cycle, as a warm restart.
        """
        return cycle_fraction(after, self.total_epochs - self.warmup_epochs)

    def _named_rates(self, after):
        return NAMED_SCHEDULES[self.schedule](self, after)

    def _user_rates(self, after, steps_per_epoch, previous_rate, position):
        if isinstance(self.schedule, keras.optimizers.schedules.LearningRateSchedule):
            steps = np.round(after * steps_per_epoch).astype(np.float32)
            rates = keras.ops.convert_to_numpy(self.schedule(steps))
            rates = np.broadcast_to(np.asarray(rates, dtype=np.float64), steps.shape)
        else:
            rates = self._callable_rates(
                after, steps_per_epoch, previous_rate, position
            )
        bad = ~(np.isfinite(rates) & (rates > 0))
        if bad.any():
            raise ValueError(
                "lr_schedule must give positive, finite learning rates; "
                f"{self.schedule!r} gave {rates[bad][0]}."
            )
        return rates

    def _callable_rates(self, after, steps_per_epoch, previous_rate, position):
        """Call ``(epoch, lr) -> lr`` once per post-warm-up epoch, chaining lr."""
        epoch_rates = []
        rate = self.learning_rate
        if previous_rate is not None and position[0] > self.warmup_epochs:
            rate = previous_rate
        for start in range(0, len(after), steps_per_epoch):
            if position[start] < self.warmup_epochs:
                rate = self.learning_rate
            else:
                rate = float(self.schedule(int(round(after[start])), rate))
            epoch_rates.append(rate)
        return np.repeat(np.asarray(epoch_rates, dtype=np.float64), steps_per_epoch)


# The registry of named schedules: the rate of each step, from the schedule
# (its settings) and each step's epoch position after the warm-up. A new
# schedule is an entry here (and a line in the docs).
def _constant(schedule, after):
    return np.full(len(after), schedule.learning_rate)


def _exponential(schedule, after):
    return schedule.learning_rate * schedule.decay_rate ** (
        after / schedule.decay_epochs
    )


def _inverse_time(schedule, after):
    return schedule.learning_rate / (
        1.0 + schedule.decay_rate * after / schedule.decay_epochs
    )


def _step(schedule, after):
    cuts = np.floor(np.floor(after) / schedule.decay_epochs)
    return schedule.learning_rate * schedule.decay_rate**cuts


def _cosine(schedule, after):
    lr = schedule.learning_rate
    return _cosine_ramp(lr, lr * schedule.decay_rate, schedule._run_fraction(after))


def _cosine_restarts(schedule, after):
    lr = schedule.learning_rate
    _, done = _restart_cycles(after / schedule.decay_epochs)
    return _cosine_ramp(lr, lr * schedule.decay_rate, done)


def _one_cycle(schedule, after):
    fraction = schedule._run_fraction(after)
    peak = schedule.learning_rate
    start = peak * schedule.decay_rate
    final = start / ONE_CYCLE_FINAL_DIVISOR
    return np.where(
        fraction < ONE_CYCLE_PEAK,
        _cosine_ramp(start, peak, fraction / ONE_CYCLE_PEAK),
        _cosine_ramp(peak, final, (fraction - ONE_CYCLE_PEAK) / (1 - ONE_CYCLE_PEAK)),
    )


NAMED_SCHEDULES = {
    "constant": _constant,
    "exponential": _exponential,
    "inverse_time": _inverse_time,
    "step": _step,
    "cosine": _cosine,
    "cosine_restarts": _cosine_restarts,
    "one_cycle": _one_cycle,
    # the rates of the table; the engine multiplies a factor that it lowers
    "plateau": _constant,
}
SCHEDULES = tuple(NAMED_SCHEDULES)


# The registry of dropout schedules: the factor on the dropout rates at each
# step, from the fraction of the run done when the step starts. RealMLP's
# "flat_cos" (Holzmueller et al., 2024) keeps the full rate for the first
# half of the run, then anneals it to 0 along half a cosine, so that the
# last epochs fine-tune the network that prediction uses, without noise.
FLAT_FRACTION = 0.5


def _constant_dropout(fraction):
    return np.ones_like(fraction)


def _flat_cosine_dropout(fraction):
    annealed = (fraction - FLAT_FRACTION) / (1.0 - FLAT_FRACTION)
    return np.where(fraction < FLAT_FRACTION, 1.0, _cosine_ramp(1.0, 0.0, annealed))


DROPOUT_SCHEDULES = {
    "constant": _constant_dropout,
    "flat_cosine": _flat_cosine_dropout,
}


@dataclass(frozen=True)
class DropoutSchedule:
    """The factor on ``dropout`` and ``input_dropout`` at every step of a fit.

    Parameters
    ----------
    schedule : str
        A name from :data:`DROPOUT_SCHEDULES`.
    total_epochs : int
        Length of the run. Later epochs (a warm-started fit, ``partial_fit``
        past ``epochs``) repeat the cycle, as ``lr_schedule="cosine"`` does,
        so the two stay in step.

    Examples
    --------
    >>> schedule = DropoutSchedule("flat_cosine", total_epochs=4)
    >>> schedule.factors(first_epoch=0, n_epochs=4, steps_per_epoch=1).tolist()
    [1.0, 1.0, 1.0, 0.5]
    """

    schedule: str
    total_epochs: int

    def __post_init__(self):
        if self.schedule not in DROPOUT_SCHEDULES:
            raise ValueError(
                f"Unknown dropout schedule {self.schedule!r}; expected one of "
                f"{sorted(DROPOUT_SCHEDULES)}."
            )

    def factors(self, first_epoch, n_epochs, steps_per_epoch):
        """The factor of every step of ``n_epochs`` epochs, as a float32 array."""
        position = epoch_positions(first_epoch, n_epochs, steps_per_epoch)
        factors = DROPOUT_SCHEDULES[self.schedule](
            cycle_fraction(position, self.total_epochs)
        )
        return np.asarray(factors, dtype=np.float32)
