"""The REST API's shared machinery: permissions, errors, pagination, filtering, throttling, schema.

The endpoints themselves live beside their models (``inventory/api``, ``orders/api``); ``urls.py``
wires them under ``/api/v1/``.
"""
