app_name = "remains"
urlpatterns: list[object] = []
