"""Users and API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who works in Homecoming. Roles are groups (see roles.py)."""

    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    #: set when an administrator sets a temporary password: the user must choose their own at next log-in
    must_change_password = models.BooleanField(_("must change password at next log-in"), default=False)
    #: set by an administrator: this user must log in with an authenticator, whatever their role
    second_factor_required = models.BooleanField(_("second factor required"), default=False)

    class Meta:
        verbose_name = _("user")
        permissions = [("manage_users", "Can create users, assign roles, deactivate and reset passwords")]

    def role_names(self) -> list[str]:
        return sorted(self.groups.values_list("name", flat=True))


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created = models.DateTimeField(default=timezone.now)
    last_used = models.DateTimeField(null=True, blank=True)
    revoked = models.DateTimeField(null=True, blank=True)

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode("utf-8")).hexdigest()

    @classmethod
    def issue(cls, user: User, name: str) -> tuple[ApiToken, str]:
        token = "hc_" + secrets.token_urlsafe(32)
        obj = cls.objects.create(user=user, name=name, digest=cls.hash(token), prefix=token[:8])
        return obj, token

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"
