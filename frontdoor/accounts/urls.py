from django.urls import path

from frontdoor.accounts import views

urlpatterns = [
    path("sign-in/", views.sign_in, name="login"),
    path("sign-in/two-factor/", views.two_factor, name="two-factor"),
    path("sign-in/set-up-two-factor/", views.two_factor_setup, name="two-factor-setup"),
    path("sign-out/", views.SignOutView.as_view(), name="logout"),
]
