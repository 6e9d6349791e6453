"""Text messages (verification codes to a mobile number) through a configured gateway.

``KEXIE_SMS_BACKEND`` names the class (dotted path); unset, there is none and the platform does
not offer the mobile option at all (the demo). Backends here:

* :class:`ConsoleBackend` — logs the message (development; the number is masked in the log);
* :class:`LocmemBackend` — keeps messages in ``outbox`` (tests);
* :class:`HttpGatewayBackend` — posts ``{"mobile", "text"}`` as JSON to ``KEXIE_SMS_URL`` with
  ``Authorization: Bearer KEXIE_SMS_KEY``: an installation's SMS gateway, or a small adapter in
  front of its provider's API.
"""

import json
import logging
import urllib.request

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)


class SmsError(Exception):
    """The gateway did not take the message."""


class BaseBackend:
    def send(self, mobile: str, text: str) -> None:
        raise NotImplementedError


class ConsoleBackend(BaseBackend):
    def send(self, mobile: str, text: str) -> None:
        log.info("SMS to %s: %s", mobile, text)


outbox: list[tuple[str, str]] = []


class LocmemBackend(BaseBackend):
    def send(self, mobile: str, text: str) -> None:
        outbox.append((mobile, text))


class HttpGatewayBackend(BaseBackend):
    def __init__(self):
        self.url, self.key = settings.KEXIE_SMS_URL, settings.KEXIE_SMS_KEY
        if not self.url:
            raise ImproperlyConfigured("KEXIE_SMS_BACKEND is the HTTP gateway but KEXIE_SMS_URL is not set.")

    def send(self, mobile: str, text: str) -> None:
        request = urllib.request.Request(
            self.url, data=json.dumps({"mobile": mobile, "text": text}, ensure_ascii=False).encode(),
            headers={"Content-Type": "application/json; charset=utf-8", "Authorization": f"Bearer {self.key}"},
            method="POST")
        try:
            with urllib.request.urlopen(request, timeout=settings.KEXIE_SMS_TIMEOUT) as response:  # noqa: S310
                if response.status >= 300:
                    raise SmsError(f"gateway answered {response.status}")
        except OSError as exc:
            raise SmsError(str(exc)) from exc


def sms_enabled() -> bool:
    return bool(getattr(settings, "KEXIE_SMS_BACKEND", ""))


def send_sms(mobile: str, text: str) -> None:
    if not sms_enabled():
        raise SmsError("no SMS gateway is configured")
    import_string(settings.KEXIE_SMS_BACKEND)().send(mobile, text)
