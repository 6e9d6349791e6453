"""Technical demands of enterprises (技术需求) and open calls (揭榜挂帅)."""

from django.db import models  # noqa: F401
