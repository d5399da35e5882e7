from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "homecoming.app.audit"
    label = "audit"
    verbose_name = "Audit"
