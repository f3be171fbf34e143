"""Webhooks: signed event deliveries to other systems, sent by the task worker after commit.

``events.emit()`` is the one hook the services call; ``tasks.deliver_webhook`` sends, logs and
retries; ``signing`` signs and verifies. README "Webhooks" documents events, headers and retries.
"""
