from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "kexie.people"
    label = "people"
    verbose_name = _("People and experts")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from kexie.accounts.public import invitation_accepted

        from .services import _on_invitation_accepted

        # A person invited to open an account is linked to it when the invitation is accepted.
        invitation_accepted.connect(_on_invitation_accepted, dispatch_uid="people.link_invited_account")

        # The expert libraries the account's own person belongs to, on the S&T worker's home page.
        from kexie.accounts.home import register_section

        from .home import my_libraries

        register_section("people.libraries", _("My expert libraries"), my_libraries, order=60)
