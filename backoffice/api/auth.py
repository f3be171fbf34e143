"""Token endpoints beyond simplejwt's own: sign out everywhere."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from backoffice.security.tokens import revoke_all_tokens


class RevokedSerializer(serializers.Serializer):
    revoked_refresh_tokens = serializers.IntegerField(help_text="How many refresh tokens were blacklisted.")


class LogOutEverywhereView(APIView):
    """Revoke every token of the signed-in user: refresh tokens are blacklisted, access tokens fail now."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: RevokedSerializer}, operation_id="token_revoke_all")
    def post(self, request):
        count = revoke_all_tokens(user=request.user, by=request.user)
        return Response({"revoked_refresh_tokens": count}, status=status.HTTP_200_OK)
