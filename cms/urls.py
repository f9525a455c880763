from django.urls import path

from cms import views

app_name = "cms"

urlpatterns = [
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("sitemap.xml", views.sitemap_xml, name="sitemap"),
    path("search/", views.search, name="search"),
    path("newsletter/", views.newsletter_signup, name="newsletter_signup"),
]
