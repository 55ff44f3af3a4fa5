from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from accounts.views import invitation, otp, signin, staff_users

app_name = "accounts"
# Not per platform: signing in, two-factor, password reset, invitations
root_patterns = [
    path("accounts/", signin.home, name="home"),
    path("accounts/login/", signin.login_view, name="login"),
    path("accounts/logout/", signin.logout_view, name="logout"),
    path("accounts/otp/", otp.otp_verify, name="otp"),
    path("accounts/otp/setup/", otp.otp_setup, name="otp_setup"),
    path(
        "accounts/password/reset/",
        signin.password_reset,
        name="password_reset",
    ),
    path(
        "accounts/password/reset/done/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("accounts:login"),
        ),
        name="password_reset_confirm",
    ),
    path("accounts/invitation/<str:token>/", invitation.invitation, name="invitation"),
]
# Staff management, under /p/<slug>/staff/ (tsunagari/urls.py mounts both) so that the tenant
# middleware guards it.
staff_patterns = [
    path("users/", staff_users.staff_users, name="staff_users"),
    path("users/<uuid:role_uuid>/", staff_users.staff_role, name="staff_role"),
    path("users/invitations/<uuid:uuid>/cancel/", staff_users.invitation_cancel, name="invitation_cancel"),
]
