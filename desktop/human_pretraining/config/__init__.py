"""The user's configuration: one commented TOML file, its paths and validation."""
