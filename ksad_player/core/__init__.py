"""The toolkit-free heart of ksad-player: nothing below here imports Qt or libVLC."""
