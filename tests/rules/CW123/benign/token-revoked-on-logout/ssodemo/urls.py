from django.urls import path

from ssodemo.views import logout_view

urlpatterns = [path("logout/", logout_view, name="logout")]
