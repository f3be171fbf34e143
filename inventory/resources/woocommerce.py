"""WooCommerce's own product CSV export, translated into our product columns.

The mapping (also in the README):
- simple products (also downloadable/virtual) -> products;
- variations -> products of their own, with their own SKU, name (WooCommerce already appends the
  attributes: "Hoodie - Blue, Yes"), price and stock, and their parent's category, tags and
  description when they have none;
- variable parents -> skipped: they are not sold themselves, their variations are;
- grouped products -> skipped: a display grouping of products that are imported on their own lines;
- external/affiliate products -> imported as drafts (they are sold elsewhere; the URL is not kept);
- Published 1 -> published, 0 (draft/pending) and -1 (private) -> draft;
- no SKU -> WOO-<ID>; several categories -> the first, the rest reported; sale price -> reported as
  ignored (a product has one price); an empty stock -> 0.
"""

from django.utils.translation import gettext_lazy as _

from backoffice.importing.reading import Table

WOO_COLUMNS = {"id", "type", "sku", "name", "published", "regular_price", "categories"}
USED = {
    "id",
    "type",
    "sku",
    "name",
    "published",
    "description",
    "short_description",
    "stock",
    "backorders_allowed?",
    "sale_price",
    "regular_price",
    "categories",
    "tags",
    "parent",
}
RECOGNISED = _("WooCommerce product export recognised; %(count)d of its columns are not used: %(columns)s.")
SKIP_VARIABLE = _("variable product “%(name)s”: not sold itself; its variations are imported as products.")
SKIP_GROUPED = _("grouped product “%(name)s”: a grouping of products that are imported on their own lines.")
SKIP_ORPHAN = _("variation “%(name)s”: its parent %(parent)s is not in the file, so it has no category.")
SKIP_UNKNOWN_TYPE = _("“%(name)s” has the product type “%(type)s”, which the shop cannot import.")
NOTE_SKU = _("Line %(line)d: “%(name)s” has no SKU; it gets %(sku)s from its WooCommerce ID.")
NOTE_CATEGORIES = _("Line %(line)d: several categories (%(all)s); the product goes into the first, %(first)s.")
NOTE_SALE = _("Sale price ignored on %(count)d row(s) (lines %(lines)s): a product has one price, the regular one.")
NOTE_NO_STOCK = _("%(count)d product(s) have no stock quantity in the file; they start with stock 0.")
NOTE_EXTERNAL = _("Line %(line)d: external product “%(name)s” is sold elsewhere; imported as a draft.")
NOTE_PRIVATE = _("Line %(line)d: “%(name)s” is private in WooCommerce; imported as a draft.")


def is_woocommerce(table):
    return set(table.headers) >= WOO_COLUMNS


def _types(row):
    return {t.strip() for t in row.get("type", "").lower().split(",") if t.strip()}


def adapt_woocommerce(table, report):
    """Our own table for a WooCommerce file (anything else passes through unchanged)."""
    if not is_woocommerce(table):
        return table
    unused = [table.labels[c] for c in table.headers if c not in USED]
    report.note(RECOGNISED % {"count": len(unused), "columns": ", ".join(unused)})
    parents = {}
    for _line, row in table.rows:
        if "variable" in _types(row):
            parents[row["sku"].lower()] = row
            parents[f"id:{row['id']}"] = row
    rows, sale_lines, no_stock = [], [], 0
    for line, row in table.rows:
        types, name = _types(row), row.get("name", "")
        if "variable" in types:
            report.skip(line, SKIP_VARIABLE % {"name": name})
            continue
        if "grouped" in types:
            report.skip(line, SKIP_GROUPED % {"name": name})
            continue
        parent = None
        if "variation" in types:
            parent = parents.get(row.get("parent", "").lower())
            if parent is None:
                report.skip(line, SKIP_ORPHAN % {"name": name, "parent": row.get("parent") or "-"})
                continue
        elif not types & {"simple", "external"}:
            report.skip(line, SKIP_UNKNOWN_TYPE % {"name": name, "type": row.get("type", "")})
            continue
        ours = _translate(line, row, parent, types, report)
        if row.get("sale_price"):
            sale_lines.append(line)
        if not row.get("stock"):
            no_stock += 1
        rows.append((line, ours))
    if sale_lines:
        shown = ", ".join(str(n) for n in sale_lines)
        report.note(NOTE_SALE % {"count": len(sale_lines), "lines": shown})
    if no_stock:
        report.note(NOTE_NO_STOCK % {"count": no_stock})
    headers = ["sku", "name", "description", "category", "tags", "price", "stock", "allow_backorder", "status"]
    labels = {h: h for h in headers}
    return Table(headers=headers, labels=labels, rows=rows, errors=table.errors)


def _translate(line, row, parent, types, report):
    name = row.get("name", "")
    sku = row.get("sku", "")
    if not sku:
        sku = f"WOO-{row.get('id', '').strip()}"
        report.note(NOTE_SKU % {"line": line, "name": name, "sku": sku})
    categories = [c.strip() for c in row.get("categories", "").split(",") if c.strip()]
    if parent is not None and not categories:
        categories = [c.strip() for c in parent.get("categories", "").split(",") if c.strip()]
    if len(categories) > 1:
        report.note(NOTE_CATEGORIES % {"line": line, "all": "; ".join(categories), "first": categories[0]})
    description = row.get("description") or row.get("short_description", "")
    tags = row.get("tags", "")
    if parent is not None:
        description = description or parent.get("description") or parent.get("short_description", "")
        tags = tags or parent.get("tags", "")
    published = row.get("published", "").strip()
    status = "published" if published == "1" else "draft"
    if published == "-1":
        report.note(NOTE_PRIVATE % {"line": line, "name": name})
    if "external" in types:
        status = "draft"
        report.note(NOTE_EXTERNAL % {"line": line, "name": name})
    backorders = row.get("backorders_allowed?", "").strip().lower()
    return {
        "sku": sku,
        "name": name,
        "description": description,
        "category": categories[0] if categories else "",
        "tags": tags,
        "price": row.get("regular_price", ""),
        "stock": row.get("stock", ""),
        "allow_backorder": "yes" if backorders in ("1", "notify", "yes") else "no",
        "status": status,
    }
