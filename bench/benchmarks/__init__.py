"""One module per benchmark; each has a ``TITLE`` and ``run(ctx)`` that yields ``Measurement``s."""
