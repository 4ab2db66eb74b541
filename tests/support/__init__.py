"""Test helpers: a local web server on 127.0.0.1 and the Wikinews corpus as feeds and pages."""
