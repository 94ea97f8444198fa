"""Constants of the core layer: names, file names, defaults."""

from __future__ import annotations

APP_NAME = "Vendor Console"
APP_ID = "vendor-console"
#: Environment variable that moves every file the app writes (config, logs) under one directory.
HOME_ENV = "VENDOR_CONSOLE_HOME"
ACCOUNTS_FILE = "accounts.json"
LOG_FILE = "vendor-console.log"
#: The support-desk lookup's recent queries (non-secret).
LOOKUPS_FILE = "lookups.json"
#: How many recent lookups are kept.
LOOKUP_HISTORY = 20
#: The keyring service name is ``vendor-console/<vendor>`` (design.md, credentials).
KEYRING_SERVICE_PREFIX = "vendor-console/"
#: Rows per page the table asks for (the vendor may clamp it).
UI_PAGE_SIZE = 50
#: Rows per page an export asks for.
EXPORT_PAGE_SIZE = 100
#: Seconds a request may take before it counts as timed out.
DEFAULT_TIMEOUT = 20.0
#: Attempts for a safe request (1 + retries).
DEFAULT_MAX_ATTEMPTS = 4
#: Longest wait the client sits out by itself (Retry-After or an exhausted quota); longer -> RateLimited.
DEFAULT_MAX_WAIT = 10.0
#: Longest wait for an exhausted quota to refill before sending (SetSmart windows are a minute).
DEFAULT_MAX_QUOTA_WAIT = 90.0
