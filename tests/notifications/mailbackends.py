"""E-mail backends standing in for mail servers that misbehave (the one thing tests may fake).

Each collects what it "sent" in ``django.core.mail.outbox``, like Django's test backend, and is
steered through class attributes that a test sets and resets.
"""

import smtplib

from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend


class WorkerKilled(BaseException):
    """The worker process dying: not an Exception, so nothing in the job may catch it."""


class DyingBackend(LocmemBackend):
    """Sends ``survive`` messages, then the worker dies: before the next message is handed to the
    server (``after_handing_over`` False), or just after the server accepted it (True)."""

    survive = 0
    after_handing_over = False

    def send_messages(self, messages):
        if len(mail.outbox) >= type(self).survive:
            if type(self).after_handing_over:
                super().send_messages(messages)
            raise WorkerKilled
        return super().send_messages(messages)


class RefusingBackend(LocmemBackend):
    """A server that cannot be reached (``down``), or that refuses some recipients."""

    down = False
    refused: set[str] = set()

    def send_messages(self, messages):
        if type(self).down:
            raise ConnectionRefusedError(111, "Connection refused")
        for message in messages:
            bad = [to for to in message.to if to in type(self).refused]
            if bad:
                raise smtplib.SMTPRecipientsRefused({to: (550, b"mailbox unavailable") for to in bad})
        return super().send_messages(messages)


class SlowFileBackend(LocmemBackend):
    """A slow mail server that leaves each message it accepts as a file in ``$KEXIE_TEST_MAIL_DIR``
    — for a worker in another process, which the test kills while it sends."""

    def send_messages(self, messages):
        import os
        import time
        import uuid

        folder = os.environ["KEXIE_TEST_MAIL_DIR"]
        for message in messages:
            time.sleep(0.4)
            name = os.path.join(folder, uuid.uuid4().hex)
            with open(name + ".tmp", "w", encoding="utf-8") as out:
                out.write(f"{message.extra_headers['Message-ID']}\n{message.to[0]}\n")
            os.replace(name + ".tmp", name + ".eml")
        return len(messages)
