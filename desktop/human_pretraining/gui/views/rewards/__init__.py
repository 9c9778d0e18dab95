"""The Rewards view: the shop, running allowances, purchases, and the reward dialog."""
