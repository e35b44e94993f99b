"""An aiosmtpd handler for the tests: keeps each message exactly as it arrived, one file per message.

aiosmtpd's own Mailbox handler parses every message with Python's e-mail package and writes it out again:
13 ms of CPU for a notice with its PDF (~100 KB) against 4 ms for this one, on a machine the suite keeps busy.
The tests parse the files with MimeKit anyway, and the bytes as sent are the better thing to check.
"""
import os
import time


class RawMaildir:
    def __init__(self, folder):
        self.tmp = os.path.join(folder, "tmp")
        self.new = os.path.join(folder, "new")
        os.makedirs(self.tmp, exist_ok=True)
        os.makedirs(self.new, exist_ok=True)
        self.count = 0

    @classmethod
    def from_cli(cls, parser, *args):
        if len(args) != 1:
            parser.error("RawMaildir takes one argument: the maildir folder")
        return cls(args[0])

    async def handle_DATA(self, server, session, envelope):
        # Named in order of arrival; written aside, then moved, so a reader never sees half a message.
        self.count += 1
        name = f"{time.time_ns():020d}.{os.getpid()}.{self.count:08d}.eml"
        with open(os.path.join(self.tmp, name), "wb") as file:
            file.write(envelope.original_content)
        os.rename(os.path.join(self.tmp, name), os.path.join(self.new, name))
        return "250 OK"
