from homecoming.app import conventions


class CaptivityConfig(conventions.HomecomingApp):
    name = "homecoming.app.captivity"
    label = "captivity"
    verbose_name = "Captivity"
    url_prefix = "captivity/"
    urls = "homecoming.app.captivity.urls"
    api_router = "homecoming.app.captivity.api.router"
    permissions = "homecoming.app.captivity.roles.PERMISSIONS"
