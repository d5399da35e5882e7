from django.apps import AppConfig


class RemainsConfig(AppConfig):
    name = "homecoming.app.remains"
    label = "remains"
    verbose_name = "Remains"
