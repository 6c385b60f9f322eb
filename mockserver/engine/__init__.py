"""The pipeline every request goes through, and the only place exceptions become responses."""
