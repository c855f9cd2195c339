"""The register's pages and the views that write, one module per kind of page."""
