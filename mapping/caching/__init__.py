"""What is kept so that it is built once: each register's version, and pages kept per
version."""
