from homecoming.app import conventions


class MessagingConfig(conventions.HomecomingApp):
    name = "homecoming.app.messaging"
    label = "messaging"
    verbose_name = "Messaging"
    url_prefix = "messaging/"
    urls = "homecoming.app.messaging.urls"
    api_router = "homecoming.app.messaging.api.router"
    permissions = "homecoming.app.messaging.roles.PERMISSIONS"
