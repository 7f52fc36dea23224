"""Login and logout, with django-axes throttling in front of the login form."""

from django.contrib.auth import views as auth_views

from access.decorators import public

login = public(auth_views.LoginView.as_view(template_name="registration/login.html", redirect_authenticated_user=True))
logout = public(auth_views.LogoutView.as_view())
