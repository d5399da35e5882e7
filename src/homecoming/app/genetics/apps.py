from homecoming.app import conventions


class GeneticsConfig(conventions.HomecomingApp):
    name = "homecoming.app.genetics"
    label = "genetics"
    verbose_name = "Genetics"
    url_prefix = "genetics/"
    urls = "homecoming.app.genetics.urls"
    api_router = "homecoming.app.genetics.api.router"
    permissions = "homecoming.app.genetics.roles.PERMISSIONS"
