"""Page-number pagination for every API list; clients may ask for up to 200 rows a page."""

from rest_framework.pagination import PageNumberPagination


class KexiePagination(PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 200
