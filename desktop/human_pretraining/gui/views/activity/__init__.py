"""The Activity view: what the time went to, and one-click rules for what no rule matched."""
