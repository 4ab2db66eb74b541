"""Ingest: bring articles in from folders, feeds and web pages, clean them and store each one once.

Data flows one way: a source (`folder`, `feeds`, `pages`) turns raw input into `ArticleDraft`s, `text`
and `normalize` clean and fingerprint them, and `pipeline` stores the new ones and reports the rest.
"""
