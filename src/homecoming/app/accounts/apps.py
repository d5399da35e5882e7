from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "homecoming.app.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from homecoming.app.accounts.services import sync_roles

        post_migrate.connect(_sync, sender=self)
        self._sync_roles = sync_roles


def _sync(sender: AppConfig, **kwargs: object) -> None:
    from homecoming.app.accounts.services import sync_roles

    sync_roles(using=str(kwargs.get("using", "default")))
