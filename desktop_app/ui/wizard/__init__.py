"""First run: create the encrypted store, show the recovery key once, branch profile, roster."""
