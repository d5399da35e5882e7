from django.urls import path

from homecoming.app.captivity import views

app_name = "captivity"
urlpatterns = [
    path("persons/<int:person_id>/detentions/new/", views.detention_create, name="detention_create"),
    path("detentions/<int:record_id>/events/new/", views.event_create, name="event_create"),
    path("detentions/<int:record_id>/cards/new/", views.card_create, name="card_create"),
    path("detentions/<int:record_id>/health/new/", views.health_create, name="health_create"),
    path("detentions/<int:record_id>/eligibility/new/", views.eligibility_create, name="eligibility_create"),
    path("cards/<int:card_id>/", views.card_detail, name="card"),
    path("cards/<int:card_id>/dispatch/", views.card_dispatch, name="card_dispatch"),
    path("wounded/", views.wounded, name="wounded"),
    path("cards/overdue/", views.overdue_cards, name="overdue_cards"),
]
