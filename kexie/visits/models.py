"""Expert service teams (科技服务团), visits, follow-ups and regular-contact duties."""

from django.db import models  # noqa: F401
