"""The billing page on every workspace host, under /dashboard/billing/."""

from django.urls import path

from shared_apps.billing import views

app_name = "billing"

urlpatterns = [
    path("", views.billing_page, name="page"),
    path("quote/", views.billing_quote, name="quote"),
    path("checkout/", views.billing_checkout, name="checkout"),
    path("portal/", views.billing_portal, name="portal"),
]
