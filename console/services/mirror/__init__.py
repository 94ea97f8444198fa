"""The local mirror: each account's datasets kept on disk, encrypted, for complete search and any-column sorting.

:mod:`.contract` says what a mirror keeps and offers (:class:`~.contract.Mirror`); the store
(:mod:`.store`) keeps it in SQLCipher with a full-text index, its key in the OS keychain; the sync
(:mod:`.sync`) fills it in the background from the vendors without spending their quotas.
"""
