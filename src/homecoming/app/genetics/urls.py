from django.urls import path

from homecoming.app.genetics import views

app_name = "genetics"
urlpatterns = [
    path("", views.index, name="index"),
]
