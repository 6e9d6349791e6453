"""Builders for the permission matrix entries of the notifications pages and API."""


def notification_of(attr: str):
    """A notification addressed to that persona."""
    def build(world):
        from kexie.notifications.models import Notification

        user = getattr(world, attr)
        row = Notification.objects.create(recipient=user, kind="reminder", title="矩阵测试通知",
                                          dedupe_key=f"matrix:{attr}")
        return {"pk": row.pk}
    return build
