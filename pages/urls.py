from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("groups/<int:pk>/", views.group_detail, name="group_detail"),
]
