"""What every part of Weave leans on and nothing of Weave's own: settings from the
environment, log lines, the request middleware and Markdown."""
