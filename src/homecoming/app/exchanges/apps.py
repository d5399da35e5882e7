from homecoming.app import conventions


class ExchangesConfig(conventions.HomecomingApp):
    name = "homecoming.app.exchanges"
    label = "exchanges"
    verbose_name = "Exchanges"
    url_prefix = "exchanges/"
    urls = "homecoming.app.exchanges.urls"
    api_router = "homecoming.app.exchanges.api.router"
    permissions = "homecoming.app.exchanges.roles.PERMISSIONS"
