"""Long work on workers: imports, exports and scheduled jobs on ``django.tasks`` (README "Background jobs")."""
