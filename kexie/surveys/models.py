"""Survey stations for the condition of S&T workers (科技工作者状况调查站点): stations under the"""

from django.db import models  # noqa: F401
