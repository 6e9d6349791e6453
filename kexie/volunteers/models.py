"""Science and technology volunteers (科技志愿服务): teams on the organisation tree, volunteer"""

from django.db import models  # noqa: F401
