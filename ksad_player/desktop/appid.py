"""The one application id, so the menu entry, the icon, the metainfo, the window's
desktop file name and MPRIS's DesktopEntry all name the same thing."""

from __future__ import annotations

APP_ID = "io.github.ksadplayer.KsadPlayer"  # reverse DNS, as freedesktop.org asks
DESKTOP_FILE = f"{APP_ID}.desktop"
METAINFO_FILE = f"{APP_ID}.metainfo.xml"
ICON_NAME = APP_ID
MPRIS_BUS_NAME = "org.mpris.MediaPlayer2.ksad_player"
IDENTITY = "ksad-player"  # what media controls show as the player's name
