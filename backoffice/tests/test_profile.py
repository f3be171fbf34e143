"""Every User has a profile; staff edit their own from the user menu (avatar checked with Pillow)."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from backoffice.models import Profile
from backoffice.validators import AVATAR_NOT_IMAGE, AVATAR_TOO_LARGE, AVATAR_WRONG_TYPE, validate_avatar
from inventory.tests.factories import UserFactory
from orders.models import Customer

pytestmark = pytest.mark.django_db
PROFILE = {"display_name": "Ann at the desk", "phone": "+49 30 1234567", "time_zone": "Europe/Berlin"}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _image(kind="PNG", size=(40, 30), name="me.png"):
    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, kind)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def _post(client, **extra):
    return client.post(reverse("admin_profile"), {**PROFILE, "notify_new_orders": "on", **extra})


def test_the_user_menu_links_to_the_own_profile(boss_client):
    page = boss_client.get(reverse("admin:index")).content.decode()
    assert f'href="{reverse("admin_profile")}"' in page and "My profile" in page
    assert f'href="{reverse("admin:password_change")}"' in page


def test_the_login_page_has_no_account_links(client):
    page = client.get(reverse("admin:login"))
    assert page.status_code == 200 and "My profile" not in page.content.decode()


def test_staff_edit_their_own_profile_with_an_avatar(boss_client, superuser):
    assert boss_client.get(reverse("admin_profile")).status_code == 200
    response = _post(boss_client, avatar=_image())
    assert response.status_code == 302
    profile = Profile.objects.get(user=superuser)
    assert (profile.display_name, profile.phone, profile.time_zone) == (
        "Ann at the desk",
        "+49 30 1234567",
        "Europe/Berlin",
    )
    assert (profile.notify_new_orders, profile.notify_low_stock, profile.notify_jobs_finished) == (True, False, False)
    assert profile.avatar.name == f"avatars/{superuser.pk}/me.png"
    avatar = boss_client.get(reverse("admin_profile_avatar", args=[superuser.pk]))
    assert avatar["Content-Type"] == "image/png"
    assert b"".join(avatar.streaming_content).startswith(b"\x89PNG")
    page = boss_client.get(reverse("admin_profile")).content.decode()
    assert "Ann at the desk" in page and reverse("admin_profile_avatar", args=[superuser.pk]) in page


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (lambda: _image("GIF", name="me.gif"), AVATAR_WRONG_TYPE % {"kind": "GIF"}),
        (lambda: SimpleUploadedFile("me.png", b"<html>not an image</html>"), None),
        (lambda: _image(size=(5000, 10)), "at most 4096 x 4096"),
    ],
)
def test_a_bad_avatar_is_refused_with_a_message(boss_client, superuser, upload, message):
    response = _post(boss_client, avatar=upload())
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["avatar"])
    assert message is None or message in errors
    assert errors  # Django's ImageField or our validator: never saved
    assert not Profile.objects.get(user=superuser).avatar


def test_an_avatar_over_the_size_limit_is_refused(boss_client, superuser, settings):
    settings.AVATAR_MAX_BYTES = 50
    upload = _image()
    assert upload.size > 50
    response = _post(boss_client, avatar=upload)
    expected = AVATAR_TOO_LARGE % {"size": f"{upload.size}\xa0bytes", "limit": "50\xa0bytes"}
    assert response.context["form"].errors["avatar"] == [expected]
    assert not Profile.objects.get(user=superuser).avatar


def test_a_file_that_is_no_image_gets_our_message():
    with pytest.raises(ValidationError) as refused:
        validate_avatar(SimpleUploadedFile("x.png", b"\x89PNG broken"))
    assert refused.value.messages == [str(AVATAR_NOT_IMAGE)]


def test_a_bad_time_zone_is_a_form_error(boss_client, superuser):
    response = _post(boss_client, time_zone="Mars/Olympus")
    assert "time_zone" in response.context["form"].errors
    assert Profile.objects.get(user=superuser).time_zone == "UTC"


def test_the_profile_page_needs_a_staff_login(client):
    shopper = UserFactory(username="dee", is_staff=False)
    client.force_login(shopper)
    assert client.get(reverse("admin_profile")).status_code == 302
    client.logout()
    assert client.get(reverse("admin_profile_avatar", args=[shopper.pk])).status_code == 302


@pytest.mark.parametrize(("is_staff", "customers"), [("on", 0), ("", 1)])
def test_a_user_added_in_the_admin_is_staff_unless_unticked(boss_client, is_staff, customers):
    form = boss_client.get(reverse("admin:auth_user_add")).context["adminform"].form
    assert form.fields["is_staff"].initial is True
    password = "Correct-horse-9!"
    body = {"username": "newbie", "email": "newbie@shop.test", "usable_password": "true"}
    body.update(password1=password, password2=password, is_staff=is_staff)
    assert boss_client.post(reverse("admin:auth_user_add"), body).status_code == 302
    user = get_user_model().objects.get(username="newbie")
    assert (user.is_staff, Profile.objects.filter(user=user).count()) == (bool(is_staff), 1)
    assert Customer.objects.filter(user=user).count() == customers
