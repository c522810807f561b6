"""The Qt layer: widgets, models over core objects, and the wiring to the player."""
