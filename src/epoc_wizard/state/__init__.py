"""The state folder: the document (location, format, schema, migration; standard
library only), the store (lock, atomic write, backup, conflicts), its health
(reading the folder without changing it) and repair. Knows journeys, not flows."""
