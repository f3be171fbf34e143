"""``python -m bench.export_subset LAST_ORDER_ID OUTPUT``: the real ``export_data order`` command, run on
the orders with ``id <= LAST_ORDER_ID`` (the way the admin exports a filtered changelist: the
exporter's ``base`` queryset), so the benchmark can export 100k and 1M lines of a larger shop.
"""

import sys

import django


def main(last_order_id, output):
    django.setup()
    from django.core.management import call_command

    from backoffice.management.commands import export_data
    from orders.models import Order

    real_exporter_for = export_data.exporter_for

    def exporter_for(model_name):
        exporter = real_exporter_for(model_name)
        full_queryset = exporter.queryset
        exporter.queryset = lambda base=None: full_queryset(Order.objects.filter(pk__lte=last_order_id))
        return exporter

    export_data.exporter_for = exporter_for
    call_command("export_data", "order", "--output", output, "--format", "csv")


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2])
