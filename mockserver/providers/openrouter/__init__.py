"""OpenRouter: declared in ``provider.py``; the engine serves it through ``PROVIDER`` there."""
