"""Digest: choosing what each subscriber gets next and composing it as a transport-neutral Reply."""
