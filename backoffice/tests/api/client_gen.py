"""Generate a Python client from the project's own OpenAPI schema with openapi-python-client.

No network: the generator reads the schema file and writes code; its ruff post-hooks are turned
off (``post_hooks: []``), so the generated code is used exactly as the generator writes it.
"""

import importlib
import json
import subprocess
import sys
from pathlib import Path

from django.test import Client

PACKAGE = "shop_client"
CONFIG = f"post_hooks: []\nproject_name_override: {PACKAGE}\npackage_name_override: {PACKAGE}\n"


def schema_json():
    response = Client().get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def generate_client(directory: Path):
    """Write the client package into ``directory`` and import it; returns the package module."""
    schema_path = directory / "schema.json"
    schema_path.write_text(json.dumps(schema_json()))
    config_path = directory / "config.yaml"
    config_path.write_text(CONFIG)
    generator = Path(sys.executable).with_name("openapi-python-client")
    subprocess.run(  # noqa: S603 - our own venv's generator on our own schema
        [str(generator), "generate", "--path", str(schema_path), "--config", str(config_path), "--meta", "none",
         "--output-path", str(directory / PACKAGE)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    sys.path.insert(0, str(directory))
    importlib.invalidate_caches()
    return importlib.import_module(PACKAGE)
