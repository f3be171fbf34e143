"""Rate limits for anonymous and signed-in clients.

DRF's own classes copy the rates when they are imported; these read them on every request,
so a deployment (``SHOP_API_*_RATE``) and a test (``override_settings``) can change them.
"""

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class _SettingsRate:
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonThrottle(_SettingsRate, AnonRateThrottle):
    pass


class UserThrottle(_SettingsRate, UserRateThrottle):
    pass
