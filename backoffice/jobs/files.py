"""A job's files, in one folder per job under ``settings.JOB_FILES_DIR``.

``input`` is the uploaded file, ``plan.pickle`` the checked import kept for the confirm step,
``failed-rows.csv`` the rows an import refused, and an export's file keeps its own name.
The folder goes when the job is pruned.
"""

import shutil
from pathlib import Path

from django.conf import settings

INPUT = "input"
PLAN = "plan.pickle"
FAILED_ROWS = "failed-rows.csv"
CHUNK = 1024 * 1024


def folder(job_id):
    return Path(settings.JOB_FILES_DIR) / str(job_id)


def path(job_id, name):
    return folder(job_id) / name


def ensure_folder(job_id):
    target = folder(job_id)
    target.mkdir(parents=True, exist_ok=True, mode=0o700)
    return target


def save_upload(job_id, upload):
    """Copy an upload to the job's ``input`` file chunk by chunk (a 64 MB file never sits in memory)."""
    target = ensure_folder(job_id) / INPUT
    with open(target, "wb") as handle:
        for chunk in upload.chunks(CHUNK):
            handle.write(chunk)
    return target.stat().st_size


def read(job_id, name):
    return path(job_id, name).read_bytes()


def exists(job_id, name):
    return bool(name) and path(job_id, name).is_file()


def remove(job_id, name):
    path(job_id, name).unlink(missing_ok=True)


def remove_folder(job_id):
    shutil.rmtree(folder(job_id), ignore_errors=True)
