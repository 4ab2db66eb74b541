"""Delivery: putting prepared digests and alerts in front of subscribers, paced, retried and recorded."""
