"""Playback backends behind the core's small contract (ksad_player.core.play.player.Backend)."""
