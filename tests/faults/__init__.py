"""Fault injection: processes killed mid-way and late deliveries, checked for lost points."""
