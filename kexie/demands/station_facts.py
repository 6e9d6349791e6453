"""The stations' "demands collected" counted from the demand records (registered with
:func:`kexie.stations.facts.register_provider` in :class:`~kexie.demands.apps.DemandsConfig`).

A station's figure is then the demands that name it as the station that collected them
(``Demand.station``), not the number its annual report states: a merged duplicate counts in the
demand it was merged into, and a returned demand (not a technical demand, too vague …) not at all.
"""

from django.db.models import Count

from .models import Demand, DemandStatus

# Demands that do not count as collected: merged into another one, or returned.
NOT_COLLECTED = (DemandStatus.MERGED, DemandStatus.RETURNED)


def demands_collected(station_ids, year: int | None) -> dict[int, int]:
    """{station id: its demands received in ``year`` (every year when None)} for ``station_ids``
    (ids, or a queryset of them), one query; a station without any is left out (registered with
    the default 0)."""
    demands = Demand.objects.filter(station_id__in=station_ids).exclude(status__in=NOT_COLLECTED)
    if year is not None:
        demands = demands.filter(received_at__year=year)
    return dict(demands.order_by().values("station_id").annotate(n=Count("pk")).values_list("station_id", "n"))
