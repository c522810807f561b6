"""ksad-player: sad K-pop, K-drama OST ballads and heart-breaking MV songs, played by mood."""

__version__ = "0.1.0"
