"""Speech: text read aloud by espeak-ng (Debian's package), made on request and never stored (issue 18, point 6).

espeak-ng writes the sound to its standard output; nothing is written to disk. The text comes
from our own pages only (``personpages.views.listen``), never from the client.
"""

import re
import shutil
import struct
import subprocess

#: The voice for each language of the application (settings.LANGUAGES).
VOICES = {"nb": "nb", "da": "da", "en": "en"}
#: Seconds espeak-ng may take; a person page takes well under one.
TIMEOUT = 20
#: Characters read at most: a person page has far fewer (the WAV is about 20 kB per word).
MAX_CHARACTERS = 20_000
#: A line that ends without a sign ends a sentence all the same (a heading, a list item, a button).
ENDS_SENTENCE = re.compile(r"[.!?:;,]$")


class SpeechFailed(Exception):
    """espeak-ng is missing, failed or took too long."""


def sentences(text: str) -> str:
    """The text as espeak-ng should read it: one line a sentence, so a heading is not run into the next line."""
    lines = (" ".join(line.split()) for line in text.splitlines())
    spoken = [line if ENDS_SENTENCE.search(line) else f"{line}." for line in lines if line]
    return "\n".join(spoken)[:MAX_CHARACTERS]


def with_lengths(wav: bytes) -> bytes:
    """Write the true lengths into the WAV header: written to a pipe, espeak-ng cannot go back to fill them in."""
    if len(wav) < 44 or wav[:4] != b"RIFF" or wav[36:40] != b"data":
        return wav
    fixed = bytearray(wav)
    struct.pack_into("<I", fixed, 4, len(wav) - 8)
    struct.pack_into("<I", fixed, 40, len(wav) - 44)
    return bytes(fixed)


def speak(text: str, language: str) -> bytes:
    """The text read aloud in the language's voice, as a WAV file in memory."""
    espeak = shutil.which("espeak-ng")
    if espeak is None:
        raise SpeechFailed("espeak-ng is not installed")
    voice = VOICES.get(language, VOICES["nb"])
    # -b 1: the input is UTF-8; --stdin: the text comes on standard input, not as an argument.
    command = [espeak, "-v", voice, "-b", "1", "--stdout", "--stdin"]
    try:
        done = subprocess.run(  # noqa: S603 - a fixed argument list, the text on stdin
            command, input=sentences(text).encode(), capture_output=True, timeout=TIMEOUT, check=True
        )
    except (OSError, subprocess.SubprocessError) as error:
        raise SpeechFailed(str(error)) from error
    return with_lengths(done.stdout)
