"""The signed-in user's own profile, linked from Unfold's user menu (``UNFOLD["ACCOUNT"]``)."""

from django.contrib import admin, messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError
from unfold.widgets import UnfoldAdminTextInputWidget

from backoffice.accounts.forms import ProfileForm
from backoffice.models import Profile
from backoffice.validators import AVATAR_TYPES

PROFILE_SAVED = _("Your profile was saved.")


def account_links(request):
    """The user menu: own profile first; the password change where the account has a password."""
    if not request.user.is_authenticated:  # the login page builds the same context
        return []
    links = [{"title": _("My profile"), "link": reverse("admin_profile")}]
    if request.user.has_usable_password():
        links.append({"title": _("Change password"), "link": reverse("admin:password_change")})
    return links


def profile_view(request):
    profile, _created = Profile.objects.select_related("user").get_or_create(user=request.user)
    form = ProfileForm(request.POST or None, request.FILES or None, instance=profile)
    for field in ("display_name", "phone"):
        form.fields[field].widget = UnfoldAdminTextInputWidget()
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, PROFILE_SAVED)
        return redirect("admin_profile")
    context = {
        **admin.site.each_context(request),
        "title": _("My profile"),
        "form": form,
        "profile": profile,
    }
    return TemplateResponse(request, "admin/accounts/profile.html", context)


def avatar_view(request, user_id):
    """A user's avatar, for signed-in staff only (uploads are never served as public files)."""
    profile = get_object_or_404(Profile, user_id=user_id)
    if not profile.avatar:
        raise Http404
    try:
        handle = profile.avatar.open("rb")
        with Image.open(handle) as picture:
            content_type = AVATAR_TYPES.get(picture.format, "application/octet-stream")
        handle.seek(0)
    except (FileNotFoundError, UnidentifiedImageError):
        raise Http404 from None
    # The type Pillow reads, never one guessed from the uploaded name.
    return FileResponse(handle, content_type=content_type)


urlpatterns = [
    path("profile/", admin.site.admin_view(profile_view), name="admin_profile"),
    path("profile/avatar/<int:user_id>/", admin.site.admin_view(avatar_view), name="admin_profile_avatar"),
]
