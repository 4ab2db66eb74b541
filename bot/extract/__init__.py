"""Extract: from article text to the facts people follow. Pure: text in, facts out; no database, no network.

`pipeline.Extractor` runs the spaCy pipeline (`nlp`: the model plus the company gazetteer as an
EntityRuler) and hands the parsed document to small single-purpose rooms: `companies`, `people`,
`money` (amounts and whose they are), `places`, `facts`, `key_points`. Results are the plain
dataclasses of `models`, whose `to_json` is the public `digestbot extract --json` interface.
"""
