"""The base of every API viewset: model permissions, strict filtering, annotated responses."""

from rest_framework import status, viewsets
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from backoffice.api.filtering import FILTER_BACKENDS
from backoffice.api.permissions import ModelPermissions


class ModelViewSet(viewsets.GenericViewSet):
    """Writes answer with the row read back through ``get_queryset()``, so annotations are filled.

    Subclasses mix in DRF's List/Retrieve mixins and the ``create``/``update`` below as needed.
    """

    permission_classes = [ModelPermissions]
    filter_backends = FILTER_BACKENDS

    def read_back(self, instance):
        return self.get_queryset().get(pk=instance.pk)

    def respond_with(self, instance, status_code=status.HTTP_200_OK):
        serializer = self.get_serializer(self.read_back(instance))
        return Response(serializer.data, status=status_code)


class CreateMixin:
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        instance = serializer.save()
        return self.respond_with(instance, status.HTTP_201_CREATED)


class UpdateMixin:
    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        serializer = self.get_serializer(self.get_object(), data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        instance = serializer.save()
        return self.respond_with(instance)

    def partial_update(self, request, *args, **kwargs):
        kwargs["partial"] = True
        return self.update(request, *args, **kwargs)


class EndpointRouter(DefaultRouter):
    """An app's endpoints (its ``api/urls.py``): the ``.json`` suffixes, no root view of its own.

    ``backoffice.api.urls`` includes each app's router and serves the one API root.
    """

    include_root_view = False
