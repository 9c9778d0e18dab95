"""The Rules view: the rules table, the rule dialog and the rule tester."""
