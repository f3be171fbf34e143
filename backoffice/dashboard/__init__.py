"""What the back office shows across both apps: the dashboard page, the sidebar badges, the command palette.

The one package of ``backoffice`` that may import ``inventory`` and ``orders`` (``backoffice/tests/test_layering.py``).
"""
