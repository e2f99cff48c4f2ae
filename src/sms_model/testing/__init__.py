"""Hypothesis strategies for property-based tests of code that uses :mod:`sms_model`.

An optional extra (``pip install sms-model[testing]``): this is the only package of
:mod:`sms_model` that imports Hypothesis.

:func:`sms_models` draws whole, valid service management systems; :func:`texts`,
:func:`identifiers`, :func:`dates`, :func:`aware_datetimes`, :func:`parties` and :func:`risks`
draw the pieces. Text values avoid control characters and surrogates, so every drawn system
survives a round trip through YAML and JSON.

>>> from sms_model.testing import sms_models
>>> strategy = sms_models(max_size=3)
>>> from hypothesis.strategies import SearchStrategy
>>> isinstance(strategy, SearchStrategy)
True
"""

from sms_model.testing._strategies import (
    aware_datetimes,
    dates,
    identifiers,
    parties,
    risks,
    sms_models,
    texts,
)

__all__ = [
    "aware_datetimes",
    "dates",
    "identifiers",
    "parties",
    "risks",
    "sms_models",
    "texts",
]
