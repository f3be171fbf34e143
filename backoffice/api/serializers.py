"""Serializers that write through ``Model.save()`` with the API user and a reason in history."""

import copy

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from backoffice.history import stamp

REASON_CREATE = "api: create"
REASON_UPDATE = "api: update"
REASON_DELETE = "api: delete"


class HistoryModelSerializer(serializers.ModelSerializer):
    """Runs the model's ``clean()`` and saves with ``_history_user`` = the API user.

    Many-to-many values are set after the save; simple-history records that change too, under
    the same user and reason.
    """

    def validate(self, attrs):
        attrs = super().validate(attrs)
        candidate = copy.copy(self.instance) if self.instance is not None else self.Meta.model()
        for name, value in attrs.items():
            if name not in self._many_to_many_names():
                setattr(candidate, name, value)
        try:
            candidate.clean()
        except DjangoValidationError as exc:
            raise serializers.ValidationError(serializers.as_serializer_error(exc)) from exc
        return attrs

    def create(self, validated_data):
        many, data = self._split_many(validated_data)
        instance = self.Meta.model(**data)
        stamp(instance, user=self._user(), reason=REASON_CREATE).save()
        self._set_many(instance, many)
        return instance

    def update(self, instance, validated_data):
        many, data = self._split_many(validated_data)
        for name, value in data.items():
            setattr(instance, name, value)
        stamp(instance, user=self._user(), reason=REASON_UPDATE).save()
        self._set_many(instance, many)
        return instance

    def _user(self):
        return self.context["request"].user

    def _many_to_many_names(self):
        return {field.name for field in self.Meta.model._meta.many_to_many}

    def _split_many(self, validated_data):
        names = self._many_to_many_names()
        many = {name: value for name, value in validated_data.items() if name in names}
        data = {name: value for name, value in validated_data.items() if name not in names}
        return many, data

    def _set_many(self, instance, many):
        for name, value in many.items():
            getattr(instance, name).set(value)
