"""The REST API under /api/v1/ (schema at /api/schema/, Swagger UI at /api/docs/).

A client signs in with ``POST /api/v1/auth/token/`` (username, password and, when the user has
a second factor, ``otp``) and sends ``Authorization: Token <key>``; the browser session works
too. Every viewset derives from :class:`kexie.api.viewsets.ScopedViewSetMixin`: each action
names its permission code, and every queryset is limited to that code's data scope.
"""
