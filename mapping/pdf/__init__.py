"""The printable register: the document, its parts laid out in parallel, and the store
that keeps each register's PDFs."""
