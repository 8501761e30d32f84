"""Model instances from plain ``values_list`` rows, for the few rows of a long list that are shown."""

from __future__ import annotations

from functools import cache


@cache
def _field_order(model) -> tuple[str, ...]:
    return tuple(field.attname for field in model._meta.concrete_fields)


def loaded(model, db: str, columns: tuple[str, ...], values) -> object:
    """``model`` as ``QuerySet.only(*columns)`` would have loaded it (the other fields deferred) from
    ``values``, one per column. ``Model.from_db`` wants the values in the model's field order; this
    takes them in any order."""
    given = dict(zip(columns, values, strict=True))
    names = [name for name in _field_order(model) if name in given]
    return model.from_db(db, names, [given[name] for name in names])
