from homecoming.app import conventions


class RegistryConfig(conventions.HomecomingApp):
    name = "homecoming.app.registry"
    label = "registry"
    verbose_name = "Registry"
    url_prefix = "registry/"
    urls = "homecoming.app.registry.urls"
    api_router = "homecoming.app.registry.api.router"
    permissions = "homecoming.app.registry.roles.PERMISSIONS"
