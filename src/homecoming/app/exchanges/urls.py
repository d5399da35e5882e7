app_name = "exchanges"
urlpatterns: list[object] = []
