"""Proposals (建言献策), bulletins, recipients' instructions, commissioned studies."""

from django.db import models  # noqa: F401
