from homecoming.app import conventions


class AuditConfig(conventions.HomecomingApp):
    name = "homecoming.app.audit"
    label = "audit"
    verbose_name = "Audit"
    url_prefix = "audit/"
    urls = "homecoming.app.audit.urls"
    api_router = None  # no API endpoints
    permissions = "homecoming.app.audit.roles.PERMISSIONS"

    def ready(self) -> None:
        from homecoming.app.audit import checks  # noqa: F401  (registers the deployment check)
