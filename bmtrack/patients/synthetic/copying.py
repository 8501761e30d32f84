"""Bulk writes with PostgreSQL ``COPY`` (psycopg 3 ``cursor.copy``), the fast path of the generator.

``COPY`` skips the ORM entirely, so each table's columns are read from the model: a value the row
does not give takes the field's default (``auto_now``/``auto_now_add`` take ``now``), exactly as
``Model.save()`` would fill it. Database CHECK constraints and the cross-table triggers
(``patients/migrations/0002``) still run on every row: they are the backstop here too.
"""

from __future__ import annotations

import datetime as dt
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models

_MISSING = object()


class CopyTable:
    """Column order, defaults and JSON encoding of one model's table, for ``COPY ... FROM STDIN``."""

    def __init__(self, model: type[models.Model], now: dt.datetime, *, with_id: bool = False):
        self.table = model._meta.db_table
        self.fields = [f for f in model._meta.concrete_fields if with_id or not f.primary_key]
        self.columns = [f.column for f in self.fields]
        self._plan = []
        for f in self.fields:
            json_field = isinstance(f, models.JSONField)
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                self._plan.append((f.attname, False, now, json_field))
            elif f.has_default() and callable(f.default):
                self._plan.append((f.attname, True, f.default, json_field))
            else:
                self._plan.append((f.attname, False, f.get_default(), json_field))

    def row(self, values: dict) -> tuple:
        out = []
        for attname, call, default, json_field in self._plan:
            value = values.get(attname, _MISSING)
            if value is _MISSING:
                value = default() if call else default
            if json_field and value is not None:
                value = json.dumps(value, cls=DjangoJSONEncoder)
            out.append(value)
        return tuple(out)

    def copy(self, rows: list[dict]) -> int:
        """Write ``rows`` (dicts keyed by attname) in the current transaction."""
        if not rows:
            return 0
        columns = ", ".join(f'"{c}"' for c in self.columns)
        with connection.cursor() as cursor, cursor.cursor.copy(f'COPY "{self.table}" ({columns}) FROM STDIN') as out:
            for values in rows:
                out.write_row(self.row(values))
        return len(rows)


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """``count`` fresh primary keys from the table's own sequence (safe beside concurrent writers)."""
    if count == 0:
        return []
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                       [table, column, count])
        return [row[0] for row in cursor.fetchall()]
