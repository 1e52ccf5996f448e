from django.urls import path, re_path

from hoststatus import views

urlpatterns = [
    path("status/", views.status, name="status"),
    re_path(r"^healthz/?$", views.status),
]
