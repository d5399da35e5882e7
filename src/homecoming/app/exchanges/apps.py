from django.apps import AppConfig


class ExchangesConfig(AppConfig):
    name = "homecoming.app.exchanges"
    label = "exchanges"
    verbose_name = "Exchanges"
