"""``python -m bench.jobs_import --rows 200000``: an admin import as jobs against ``import_data``.

On a PostgreSQL database of its own (``bench_jobs``, created and migrated when missing, its
catalogue emptied before each case), with the same generated product file (new products, 2 tags,
50 categories, price, stock):

1. ``manage.py import_data`` of the file: wall seconds and peak memory (bench/child.py);
2. the admin's way: the upload's answer time (Django's test client, logged in), then
   ``db_worker --batch`` running the check job, the confirm's answer time, and ``db_worker --batch``
   running the import job: each worker's wall seconds and peak memory, and each job's own duration.

Done when (issue 18): upload answer < 1 s; check + import jobs <= 1.2x the CLI; worker peak memory
<= 1.2x the CLI's. Writes bench/.data/jobs_import.json. Not part of ``make bench``.
"""

import argparse
import csv
import json
import os
import sys
import time
from types import SimpleNamespace

from bench.config import DATA_DIR, POSTGRES_HOST, POSTGRES_PORT, POSTGRES_USER, ROOT
from bench.database import database_exists, django_env, psql
from bench.measure import check_child, run_child


def write_file(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["sku", "name", "category", "description", "tags", "price", "cost", "stock", "status"])
        for n in range(rows):
            writer.writerow(
                [
                    f"BJ-{n:07d}",
                    f"Bench product {n}",
                    f"Bench > Group {n % 50}",
                    "A plain description of the product, long enough to look like a real one.",
                    f"tag{n % 7}, tag{n % 11}",
                    f"{5 + n % 90}.99",
                    "2.50",
                    str(n % 40),
                    "published",
                ]
            )


def empty_catalogue(database):
    tables = psql(database, "SELECT string_agg(tablename, ', ') FROM pg_tables WHERE tablename LIKE 'inventory\\_%'")
    psql(
        database, f"TRUNCATE {tables}, jobs_job, django_tasks_database_dbtaskresult, auth_user RESTART IDENTITY CASCADE"
    )


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.jobs_import", description=__doc__)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--database", default="bench_jobs")
    args = parser.parse_args(argv)
    database = args.database
    env = django_env(
        SimpleNamespace(database_url=f"postgres://{POSTGRES_USER}@{POSTGRES_HOST}:{POSTGRES_PORT}/{database}")
    )
    env.update(SHOP_TASKS_BACKEND="database", SHOP_JOB_FILES_DIR=str(DATA_DIR / "jobs"))
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    manage = [sys.executable, str(ROOT / "manage.py")]
    if not database_exists(database):
        psql("postgres", f"CREATE DATABASE {database}")
    check_child(run_child([*manage, "migrate", "--noinput"], env=env), "migrate")
    path = DATA_DIR / f"jobs-import-{args.rows}.csv"
    write_file(path, args.rows)
    results = {"rows": args.rows, "file_bytes": path.stat().st_size}

    empty_catalogue(database)
    make_user = "from django.contrib.auth.models import User; User.objects.create_superuser('bench', 'b@x.test', None)"
    check_child(run_child([*manage, "shell", "-c", make_user], env=env), "user")
    cli = check_child(
        run_child([*manage, "import_data", "product", str(path), "--user", "bench"], env=env, timeout=3600), "import"
    )
    results["cli"] = {"seconds": cli.seconds, "peak_mb": cli.max_rss_kb / 1024}

    empty_catalogue(database)
    check_child(run_child([*manage, "shell", "-c", make_user], env=env), "user")
    os.environ.update(env)
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from django.urls import reverse

    from backoffice.jobs.models import Job, JobKind

    client = Client()
    client.force_login(User.objects.get(username="bench"), backend="django.contrib.auth.backends.ModelBackend")
    upload = SimpleUploadedFile(path.name, path.read_bytes())
    started = time.perf_counter()
    response = client.post(reverse("admin:inventory_product_import"), {"format": "0", "import_file": upload})
    results["upload_answer_seconds"] = time.perf_counter() - started
    assert response.status_code == 302, response.status_code
    worker = [*manage, "db_worker", "--batch", "--no-startup-delay", "--no-reload"]
    check_run = check_child(run_child(worker, env=env, timeout=3600), "check worker")
    check = Job.objects.get(kind=JobKind.IMPORT_CHECK)
    assert check.state == "succeeded", check.error
    started = time.perf_counter()
    response = client.post(reverse("admin:inventory_product_process_import"), {"job": check.pk})
    results["confirm_answer_seconds"] = time.perf_counter() - started
    import_run = check_child(run_child(worker, env=env, timeout=3600), "import worker")
    job = Job.objects.get(kind=JobKind.IMPORT)
    assert job.state == "succeeded", job.error
    results["jobs"] = {
        "check_worker_seconds": check_run.seconds,
        "check_job_seconds": check.duration.total_seconds(),
        "check_peak_mb": check_run.max_rss_kb / 1024,
        "import_worker_seconds": import_run.seconds,
        "import_job_seconds": job.duration.total_seconds(),
        "import_peak_mb": import_run.max_rss_kb / 1024,
    }
    jobs = results["jobs"]
    results["ratio_time_workers"] = (jobs["check_worker_seconds"] + jobs["import_worker_seconds"]) / cli.seconds
    results["ratio_time_jobs"] = (jobs["check_job_seconds"] + jobs["import_job_seconds"]) / cli.seconds
    results["ratio_memory"] = max(jobs["check_peak_mb"], jobs["import_peak_mb"]) / results["cli"]["peak_mb"]
    out = DATA_DIR / "jobs_import.json"
    out.write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
