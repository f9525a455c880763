from django.urls import path

from tenants import sso_views

app_name = "sso"

urlpatterns = [path("accept/", sso_views.sso_accept, name="accept")]
