"""Sandbox: runs vendor emulators on 127.0.0.1 (the demo workspace and the tests), with fault injection."""
