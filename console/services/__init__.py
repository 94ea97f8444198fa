"""Services: accounts and sessions, dataset paging and edits, export. Async and Qt-free."""
