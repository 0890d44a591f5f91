"""Briefing: findings in, audience briefings and slide-ready charts out."""

__version__ = "0.1.0"
