"""What the wizard produces for people to send or print: e-mail drafts and records."""
