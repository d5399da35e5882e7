from django.apps import AppConfig
from django.db.models.signals import post_migrate

from homecoming.app import conventions


class AccountsConfig(conventions.HomecomingApp):
    name = "homecoming.app.accounts"
    label = "accounts"
    verbose_name = "Accounts"
    url_prefix = "accounts/"
    urls = "homecoming.app.accounts.urls"
    api_router = None  # no API endpoints
    permissions = None  # grants no role anything

    def ready(self) -> None:
        from django.conf import settings

        from homecoming.app.accounts.second_factor import check_setting
        from homecoming.app.accounts.services import sync_roles

        check_setting(list(settings.TOTP_REQUIRED))

        post_migrate.connect(_sync, sender=self)
        self._sync_roles = sync_roles


def _sync(sender: AppConfig, **kwargs: object) -> None:
    from homecoming.app.accounts.services import sync_roles

    sync_roles(using=str(kwargs.get("using", "default")))
