"""The change set pages and the recycle bin: what they show, their filters, and a constant query count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from backoffice.changesets import recording
from backoffice.changesets.models import ChangeSet
from backoffice.tests.admin_support import result_pks
from backoffice.tests.changesets.shop import post_action
from inventory.choices import ProductStatus
from inventory.models import Product
from inventory.services import delete_products, publish_products
from inventory.tests.factories import ProductFactory, TagFactory

pytestmark = pytest.mark.django_db
LIST = reverse("admin:changesets_changeset_changelist")
BIN = reverse("admin:changesets_recycle_bin")


def detail_url(changeset):
    return reverse("admin:changesets_changeset_change", args=[changeset.pk])


def publish_sets(count, user, size=2):
    for n in range(count):
        products = [ProductFactory(status=ProductStatus.DRAFT) for _i in range(size)]
        with recording(kind="bulk", user=user, reason=f"set {n}"):
            publish_products(products=products, user=user)


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_list_shows_who_when_what_and_filters_by_user_model_and_kind(boss_client, superuser, staff_user):
    publish_sets(1, superuser)
    with recording(kind="bulk", user=staff_user, reason="clerk's set"):
        tag = TagFactory(name="red")
        tag._change_reason = "x"
        tag.save()
    mine, clerks = ChangeSet.objects.order_by("pk")
    response = boss_client.get(LIST)
    html = response.content.decode()
    assert result_pks(response) == [clerks.pk, mine.pk]
    assert "product (2)" in html and "tag (2)" in html
    assert result_pks(boss_client.get(LIST, {"user": staff_user.pk})) == [clerks.pk]
    assert result_pks(boss_client.get(LIST, {"model": "inventory.product"})) == [mine.pk]
    assert result_pks(boss_client.get(LIST, {"kind": "import"})) == []
    # A filter value the database cannot take gets Django's answer: back to the list with ?e=1.
    junk = boss_client.get(LIST, {"user": "x", "model": "nope"})
    assert (junk.status_code, junk["Location"]) == (302, f"{LIST}?e=1")


def test_the_list_query_count_does_not_grow_with_sets(boss_client, superuser):
    publish_sets(2, superuser)
    few = queries(boss_client, LIST)
    publish_sets(20, superuser)
    assert queries(boss_client, LIST) == few


def test_a_set_shows_its_rows_with_their_diffs(boss_client, superuser):
    drafts = [ProductFactory(sku=f"D-{i}", status=ProductStatus.DRAFT) for i in range(2)]
    post_action(boss_client, Product, "publish", drafts)
    changeset = ChangeSet.objects.get()
    html = boss_client.get(detail_url(changeset)).content.decode()
    assert html.count('data-change="status"') == 2
    assert "status: draft &rarr; published" in html
    assert 'id="undo-link"' in html


def test_the_detail_query_count_does_not_grow_with_rows(boss_client, superuser):
    publish_sets(1, superuser, size=2)
    few = queries(boss_client, detail_url(ChangeSet.objects.get()))
    publish_sets(1, superuser, size=25)
    assert queries(boss_client, detail_url(ChangeSet.objects.latest("pk"))) == few


def test_an_auditor_sees_sets_but_no_undo(admin_client_as, superuser):
    from backoffice.tests.admin_support import ROLE_AUDITOR, user_in_role

    publish_sets(1, superuser)
    auditor = admin_client_as(user_in_role(ROLE_AUDITOR, "auditor-1"))
    html = auditor.get(detail_url(ChangeSet.objects.get())).content.decode()
    assert "status: draft &rarr; published" in html and 'id="undo-link"' not in html
    assert (
        auditor.post(reverse("admin:changesets_changeset_undo", args=[ChangeSet.objects.get().pk])).status_code == 403
    )
    assert auditor.get(detail_url(ChangeSet.objects.get()) + "x/").status_code in (200, 302, 404)


def test_the_recycle_bin_query_count_does_not_grow_with_rows(boss_client, superuser):
    tags = [TagFactory(name="a"), TagFactory(name="b")]
    delete_products(products=[ProductFactory(sku=f"G-{i}", tags=tags) for i in range(2)], user=superuser)
    few = queries(boss_client, BIN)
    delete_products(products=[ProductFactory(sku=f"H-{i}", tags=tags) for i in range(20)], user=superuser)
    assert queries(boss_client, BIN) == few
