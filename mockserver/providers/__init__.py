"""The providers the mock serves: one folder each, declared in its ``provider.py``; ``openai_compat`` is shared."""
