from homecoming.app import conventions


class IdentificationConfig(conventions.HomecomingApp):
    name = "homecoming.app.identification"
    label = "identification"
    verbose_name = "Identification"
    url_prefix = "identification/"
    urls = "homecoming.app.identification.urls"
    api_router = "homecoming.app.identification.api.router"
    permissions = "homecoming.app.identification.roles.PERMISSIONS"
