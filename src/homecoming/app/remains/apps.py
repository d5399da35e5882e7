from homecoming.app import conventions


class RemainsConfig(conventions.HomecomingApp):
    name = "homecoming.app.remains"
    label = "remains"
    verbose_name = "Remains"
    url_prefix = "remains/"
    urls = "homecoming.app.remains.urls"
    api_router = "homecoming.app.remains.api.router"
    permissions = "homecoming.app.remains.roles.PERMISSIONS"
