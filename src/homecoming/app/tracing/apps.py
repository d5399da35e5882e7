from homecoming.app import conventions


class TracingConfig(conventions.HomecomingApp):
    name = "homecoming.app.tracing"
    label = "tracing"
    verbose_name = "Tracing"
    url_prefix = "tracing/"
    urls = "homecoming.app.tracing.urls"
    api_router = "homecoming.app.tracing.api.router"
    permissions = "homecoming.app.tracing.roles.PERMISSIONS"
    # the family portal: public pages (no log-in) under /family/ (conventions.public_page_urls)
    public_url_prefix = "family/"
    public_urls = "homecoming.app.tracing.family_urls"
