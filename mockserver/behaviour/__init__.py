"""Provider-neutral behaviour: conversations, fixtures, replies, generation, quirks, controls, quotas, pacing."""
