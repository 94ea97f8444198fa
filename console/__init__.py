"""Vendor Console: a desktop admin console for five SaaS vendors' REST APIs."""

__version__ = "0.1.0"
