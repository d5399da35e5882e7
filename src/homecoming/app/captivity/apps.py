from django.apps import AppConfig


class CaptivityConfig(AppConfig):
    name = "homecoming.app.captivity"
    label = "captivity"
    verbose_name = "Captivity"
