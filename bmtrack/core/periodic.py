"""The beat schedule bmtrack needs, written into django-celery-beat's tables.

Beat only wakes tasks; each task is idempotent, so a missed or doubled beat never loses or
duplicates work. The rows stay editable in the admin: this sync creates missing ones and leaves
an administrator's changes to intervals alone unless ``reset`` is asked for.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Periodic:
    name: str
    task: str
    every_seconds: int


PERIODIC_TASKS: list[Periodic] = [
    Periodic("worker heartbeat", "core.heartbeat", 60),
]


def register(*tasks: Periodic) -> None:
    for task in tasks:
        if all(existing.name != task.name for existing in PERIODIC_TASKS):
            PERIODIC_TASKS.append(task)


def sync_periodic_tasks(reset: bool = False) -> list[str]:
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    created = []
    for spec in PERIODIC_TASKS:
        interval, _ = IntervalSchedule.objects.get_or_create(every=spec.every_seconds, period=IntervalSchedule.SECONDS)
        task, was_created = PeriodicTask.objects.get_or_create(
            name=spec.name, defaults={"task": spec.task, "interval": interval}
        )
        if was_created:
            created.append(spec.name)
        elif reset:
            task.task, task.interval, task.enabled = spec.task, interval, True
            task.save()
    return created
