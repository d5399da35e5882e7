from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "homecoming.app.registry"
    label = "registry"
    verbose_name = "Registry"
