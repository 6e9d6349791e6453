"""Writing computed results onto many evaluations at once.

Django's ``bulk_update`` writes ``CASE WHEN id = … THEN …`` for every row, which grows
quadratically in work and splits into batches; evaluating a year touches every society's row
(10,000 at national scale). On PostgreSQL one ``UPDATE … FROM UNNEST(…)`` statement sets every
row whatever their number, the values passed as one array per column. Other databases (SQLite in
development and tests) fall back to ``bulk_update``.
"""

import json

from django.db import connection

# The PostgreSQL array type of each field kind written here.
PG_TYPES = {"DecimalField": "numeric", "CharField": "text", "PositiveIntegerField": "bigint",
            "JSONField": "jsonb", "DateTimeField": "timestamptz"}


def bulk_set(model, objs: list, fields: list[str], *, batch_size: int = 2000) -> None:
    """Write ``fields`` of ``objs`` (instances carrying their pk) in one statement on PostgreSQL."""
    if not objs:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_update(objs, fields, batch_size=batch_size)
        return
    table = connection.ops.quote_name(model._meta.db_table)
    columns, arrays, casts = [], [[obj.pk for obj in objs]], ["bigint[]"]
    assignments = []
    for name in fields:
        field = model._meta.get_field(name)
        kind = PG_TYPES[field.get_internal_type()]
        column = connection.ops.quote_name(field.column)
        values = [getattr(obj, field.attname) for obj in objs]
        if kind == "jsonb":  # passed as text, turned into jsonb in the SET
            values = [None if v is None else json.dumps(v, ensure_ascii=False) for v in values]
            casts.append("text[]")
            assignments.append(f"{column} = v.{column}::jsonb")
        else:
            casts.append(f"{kind}[]")
            assignments.append(f"{column} = v.{column}")
        columns.append(column)
        arrays.append(values)
    unnest = ", ".join(f"%s::{cast}" for cast in casts)
    sql = (f"UPDATE {table} AS t SET {', '.join(assignments)} "  # noqa: S608 - names from the model
           f"FROM UNNEST({unnest}) AS v(id, {', '.join(columns)}) WHERE t.id = v.id")
    with connection.cursor() as cursor:
        cursor.execute(sql, arrays)
