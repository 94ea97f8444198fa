"""Core: plain data and contracts shared by every layer (standard library only, plus keyring lazily)."""
