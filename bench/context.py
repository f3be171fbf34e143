"""What every benchmark gets: the scale, the bench settings, a superuser, and SQL helpers."""

import sys
from dataclasses import dataclass

from django.db import connection

from bench.config import ROOT, Scale
from bench.database import django_env

BENCH_USERNAME = "bench"


@dataclass
class Context:
    scale: Scale
    env: dict
    user: object

    @classmethod
    def create(cls, scale):
        from django.contrib.auth import get_user_model

        User = get_user_model()
        user = User.objects.filter(username=BENCH_USERNAME).first()
        if user is None:
            user = User(username=BENCH_USERNAME, email="bench@example.com", is_staff=True, is_superuser=True)
            user.set_unusable_password()  # the test client logs in with force_login
            user.save()
        return cls(scale=scale, env=django_env(scale), user=user)

    def manage_cmd(self, *args):
        return [sys.executable, str(ROOT / "manage.py"), *args]

    @staticmethod
    def scalar(sql, params=None):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()[0]

    @staticmethod
    def rows(sql, params=None):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    @staticmethod
    def execute(sql, params=None):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.rowcount

    def sizes(self):
        return {
            "products": self.scalar("SELECT count(*) FROM inventory_product"),
            "customers": self.scalar("SELECT count(*) FROM orders_customer"),
            "orders": self.scalar("SELECT count(*) FROM orders_order"),
            "order_lines": self.scalar("SELECT count(*) FROM orders_orderline"),
            "product_history_rows": self.scalar("SELECT count(*) FROM inventory_historicalproduct"),
        }

    def index_names(self, table):
        return {row[0] for row in self.rows("SELECT indexname FROM pg_indexes WHERE tablename = %s", [table])}
