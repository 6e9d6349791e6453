"""Grassroots coverage (基层组织覆盖): how many of a region's universities, enterprises, parks,
townships and institutes have an association of the tree."""
