"""Background jobs of identification (django-tasks, database backend) and their recovery.

``homecoming worker`` runs the queue (``django_tasks_db``'s worker) under a worker id naming this host
and process (``host:pid``). A worker killed mid-job (``kill -9``, a power cut) leaves its task marked
running and its run's results unwritten (they are written in one transaction at the end). Before it
takes work, every worker puts such tasks back in the queue — those whose worker was on this host and is
no longer alive, and any whose run has given no sign of life for :data:`STALE_SECONDS` — so the job is
run again from the start (cached family tables are kept and reused).
"""

from __future__ import annotations

import datetime as dt
import os
import socket

from django.db import transaction
from django.utils import timezone
from django_tasks import task
from django_tasks.base import TaskContext

from homecoming.app.audit import services as audit
from homecoming.app.identification.models_screening import RunStatus, ScreeningRun

STALE_SECONDS = 600


def worker_id() -> str:
    """This process as a worker id: ``host:pid`` (at most 64 characters)."""
    return f"{socket.gethostname()[:50]}:{os.getpid()}"


@task(takes_context=True)
def screen_batch(context: TaskContext, run_pk: int) -> str:
    """Screen a batch and identify it jointly (``screening_pipeline.execute``); the run's status."""
    from homecoming.app.identification import screening_pipeline

    ids = context.task_result.worker_ids
    return screening_pipeline.execute(run_pk, worker=ids[-1] if ids else "")


def _alive(worker: str) -> bool:
    host, _sep, pid = worker.rpartition(":")
    if host != socket.gethostname()[:50] or not pid.isdigit():
        return True  # another machine's worker: only its heartbeat can tell
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def recover_abandoned() -> list[str]:
    """Queue again the runs whose worker died (see the module docstring); their references."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    stale = timezone.now() - dt.timedelta(seconds=STALE_SECONDS)
    out = []
    with transaction.atomic():
        runs = ScreeningRun.objects.select_for_update().filter(status=RunStatus.running)
        for run in runs:
            result = DBTaskResult.objects.filter(id=run.task_id).first()
            if result is None or result.status != TaskResultStatus.RUNNING:
                continue
            last = result.worker_ids[-1] if result.worker_ids else ""
            quiet = run.heartbeat is None or run.heartbeat < stale
            if _alive(last) and not quiet:
                continue
            DBTaskResult.objects.filter(id=result.id).update(status=TaskResultStatus.READY, started_at=None)
            ScreeningRun.objects.filter(pk=run.pk).update(status=RunStatus.queued, stage="requeued")
            audit.record(
                actor=None,
                action="screening requeued",
                obj=run,
                after={"reference": run.reference, "worker": last},
                reason="its worker stopped before the run ended",
            )
            out.append(run.reference)
    return out
