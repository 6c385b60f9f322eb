"""AI/ML API: declared in ``provider.py``; the engine serves it through ``PROVIDER`` there."""
