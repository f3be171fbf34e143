from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from backoffice.security import views as security_views

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    # security: password reset (before the admin's catch-all); the admin login links to it by this name.
    path("admin/password-reset/", security_views.PasswordResetView.as_view(), name="admin_password_reset"),
    path("admin/password-reset/sent/", security_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "admin/password-reset/<uidb64>/<token>/",
        security_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "admin/password-reset/complete/",
        security_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("admin/", include("backoffice.accounts.views")),  # the user's own profile (user menu)
    path("admin/", admin.site.urls),
    path("api/v1/", include("backoffice.api.urls")),  # api: REST endpoints, JWT, schema, docs
]
