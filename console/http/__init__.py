"""HTTP: one client class per account over httpx, with the retry policy, rate limits and a request log."""
