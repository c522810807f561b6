"""Reading and writing tags: mutagen, fast paths, mojibake repair, file-name guesses."""
