"""Vendors: one package per vendor (client, error table, datasets, emulator) and the registry."""
