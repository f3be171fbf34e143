"""Import/export wiring for the admin (owned by the import/export work).

Admin classes add ``ImportExportAdminMixin``; which resource a model uses is decided here,
so admin modules never name resources themselves.
"""

from import_export.admin import ImportExportModelAdmin
from unfold.contrib.import_export.forms import ExportForm, ImportForm


class ImportExportAdminMixin(ImportExportModelAdmin):
    import_form_class = ImportForm
    export_form_class = ExportForm
