"""Settings of the server ``kexie bench run`` starts for the HTTP benchmark: the normal settings
plus the baseline view (``kexie.bench.urls``), which the product's own URLs never include."""

from kexie.settings import *  # noqa: F403

ROOT_URLCONF = "kexie.bench.urls"
DEBUG = False
# As in production: static files are indexed once at start, not looked up again on every request.
WHITENOISE_AUTOREFRESH = False
