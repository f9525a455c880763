from django.urls import path

from tenant_apps.dashboard import views

app_name = "dashboard"

urlpatterns = [path("", views.dashboard_home, name="home")]
