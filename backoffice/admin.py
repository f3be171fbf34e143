"""Users and groups (the sidebar's Access group) in Unfold's look; the shop's models have their own admin modules."""

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group, User
from unfold.admin import ModelAdmin
from unfold.forms import AdminPasswordChangeForm, UserChangeForm, UserCreationForm
from unfold.widgets import UnfoldAdminEmailInputWidget, UnfoldBooleanSwitchWidget

for model in (User, Group):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


class NeverFramedMixin:
    """Unfold lets its lists be framed by the same origin (its modals); account lists are never framed."""

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        response["X-Frame-Options"] = "DENY"
        return response


class StaffUserCreationForm(UserCreationForm):
    """A user added here is staff unless unticked: staff get a profile, and only shoppers a customer."""

    class Meta(UserCreationForm.Meta):
        fields = (*UserCreationForm.Meta.fields, "email", "is_staff")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["is_staff"].initial = True
        self.fields["is_staff"].widget = UnfoldBooleanSwitchWidget()
        self.fields["email"].widget = UnfoldAdminEmailInputWidget()


@admin.register(User)
class UserAdmin(NeverFramedMixin, BaseUserAdmin, ModelAdmin):
    form = UserChangeForm
    add_form = StaffUserCreationForm
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "email", "is_staff", "usable_password", "password1", "password2"),
            },
        ),
    )
    change_password_form = AdminPasswordChangeForm
    list_filter = ["is_staff", "is_superuser", "is_active", "groups"]
    show_full_result_count = False


@admin.register(Group)
class GroupAdmin(NeverFramedMixin, BaseGroupAdmin, ModelAdmin):
    pass
