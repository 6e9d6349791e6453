"""Demo data: the organisation network and one account per persona (see ``kexie demo``)."""
