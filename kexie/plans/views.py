"""Plan pages: list, detail, the reviewed import."""
