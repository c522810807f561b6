"""The Qt-side adaptors that make ksad-player a desktop citizen: the launcher, one
instance, MPRIS2, notifications and the tray. Each drives the one core Session."""
