"""Fixtures for tests against a real server process (browser and concurrency tests).

Placeholder until the live-server harness lands; see the browser helper's work.
"""
