"""Pure rules, with no terminal, no files and no clock: the journey model, the engine
(which step now, answers, waits, progress), fitting a journey to a changed flow,
checking answers, and triage. Imports only ``flowspec``, ``checks`` and the shared
top-level modules."""
