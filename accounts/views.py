"""Login and logout, with django-axes throttling in front of the login form, and setting a
password from the link an administrator has the user sent (accounts.services.password_link_send)."""

from django.contrib.auth import views as auth_views

from access.decorators import public

login = public(auth_views.LoginView.as_view(template_name="registration/login.html", redirect_authenticated_user=True))
logout = public(auth_views.LogoutView.as_view())
password_reset_confirm = public(
    auth_views.PasswordResetConfirmView.as_view(template_name="registration/password_reset_confirm.html")
)
password_reset_complete = public(
    auth_views.PasswordResetCompleteView.as_view(template_name="registration/password_reset_complete.html")
)
