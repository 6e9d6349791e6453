"""The ledger (台账) pages and its Excel export and import of corrections."""
