"""The estimators: the scikit-learn protocol, the parameters, the targets.

Parameters are validated (``params``, ``names``) and translated into a
network spec, an update rule, a loss and a fit plan; the targets are encoded
(``targets``); ``base`` runs the fit flow; ``classifier`` and ``regressor``
are the public estimators.
"""
