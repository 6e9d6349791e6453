from django.urls import path

from . import views, views_public

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("profile/", views.profile, name="profile"),
    path("password/", views.password_change, name="password_change"),
    path("otp/", views.otp, name="otp"),
    # public users
    path("me/", views_public.me, name="me"),
    path("signup/", views_public.signup, name="signup"),
    path("signup/verify/", views_public.signup_verify, name="signup_verify"),
    path("signup/complete/", views_public.signup_complete, name="signup_complete"),
    path("password-reset/", views_public.password_reset, name="password_reset"),
    path("password-reset/confirm/", views_public.password_reset_confirm, name="password_reset_confirm"),
    path("invitation/<str:token>/", views_public.invitation_accept, name="invitation_accept"),
    path("invitations/", views_public.invitations, name="invitations"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/", views.user_detail, name="user_detail"),
    path("users/<int:pk>/edit/", views.user_edit, name="user_edit"),
    path("users/<int:pk>/action/", views.user_action, name="user_action"),
    path("users/<int:pk>/unmask/", views.unmask, name="unmask"),
    path("users/<int:pk>/positions/", views.position_add, name="position_add"),
    path("users/<int:pk>/positions/<int:position_pk>/remove/", views.position_remove, name="position_remove"),
    path("roles/", views.role_list, name="role_list"),
    path("roles/new/", views.role_create, name="role_create"),
    path("roles/<int:pk>/", views.role_edit, name="role_edit"),
    path("security-policy/", views.security_policy, name="security_policy"),
    path("login-log/", views.login_log, name="login_log"),
]
