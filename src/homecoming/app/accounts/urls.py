from django.contrib.auth import views as auth_views
from django.urls import path

from homecoming.app.accounts import users_views, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("otp/", views.otp_setup, name="otp_setup"),
    path("password/", users_views.password_change, name="password_change"),
    path("users/", users_views.user_list, name="users"),
    path("users/new/", users_views.user_create, name="user_create"),
    path("users/<int:pk>/", users_views.user_detail, name="user"),
    path("users/<int:pk>/role/", users_views.user_role, name="user_role"),
    path("users/<int:pk>/active/", users_views.user_active, name="user_active"),
    path("users/<int:pk>/password/", users_views.user_password, name="user_password"),
    path("users/<int:pk>/second-factor/", users_views.user_second_factor, name="user_second_factor"),
]
