from django.apps import AppConfig
from django.db.models.signals import post_migrate

from homecoming.app import conventions


class AccountsConfig(conventions.HomecomingApp):
    name = "homecoming.app.accounts"
    label = "accounts"
    verbose_name = "Accounts"
    url_prefix = "accounts/"
    urls = "homecoming.app.accounts.urls"
    api_router = "homecoming.app.accounts.api.router"
    permissions = None  # grants no role anything

    def ready(self) -> None:
        from django.conf import settings

        from homecoming.app.accounts import checks  # noqa: F401  (registers the role-permission check)
        from homecoming.app.accounts.second_factor import check_setting
        from homecoming.app.accounts.services import sync_roles

        check_setting(list(settings.TOTP_REQUIRED))

        # after the LAST app's post_migrate: the permissions of every app exist by then (a sync at this
        # app's own signal left every later app's permissions out of the roles until a user was created)
        post_migrate.connect(_sync)
        self._sync_roles = sync_roles
        _security_state_out_of_the_admin()
        _one_log_in_form()


# Security state the Django admin would let anyone with admin rights change without an audit record
# (issue 10, item 8): role groups and their permissions, second-factor devices, lockouts and the
# log-in logs. They are changed only by the audited services and commands (roles.py + migrate, the
# /accounts/otp/ pages, lockouts expire); `homecoming audit verify` reports role permissions that
# differ from the code (accounts/checks.py).
SECURITY_STATE = (
    "auth.Group",
    "auth.Permission",
    "otp_totp.TOTPDevice",
    "otp_static.StaticDevice",
    "axes.AccessAttempt",
    "axes.AccessLog",
    "axes.AccessFailureLog",
    "accounts.User",
    "accounts.ApiToken",
)


def _security_state_out_of_the_admin() -> None:
    from django.contrib import admin

    for model in list(admin.site._registry):
        if model._meta.label in SECURITY_STATE:
            admin.site.unregister(model)


def _one_log_in_form() -> None:
    """``/admin/login/`` is the one log-in form (password and code), never the admin's own."""
    from django.contrib import admin

    from homecoming.app.accounts.second_factor import admin_login

    admin.site.login = admin_login  # type: ignore[method-assign]


def _sync(sender: AppConfig, **kwargs: object) -> None:
    from django.apps import apps

    from homecoming.app.accounts.services import sync_roles

    if sender is not [c for c in apps.get_app_configs() if c.models_module is not None][-1]:
        return

    sync_roles(using=str(kwargs.get("using", "default")))
