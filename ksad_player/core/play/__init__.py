"""Playing: the mood queue and the player state machine over a Backend."""
