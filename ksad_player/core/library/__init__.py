"""The user's library: walking folders, the SQLite index, parallel resumable scans."""
