"""A mail server for tests that kill a worker while it talks SMTP to it: the standard library's
``smtpd`` is gone, so this is the least of the protocol, on a socket of 127.0.0.1, in threads.

It keeps every message it receives (``messages``: the raw bytes). ``hold_at=n`` makes it keep
the n-th message it receives and then never answer it — the server has taken the message but the
client waits for the "250" that would tell it so: the window in which a worker killed sends the
message again after restarting. ``held`` is set when that happens; ``close()`` ends everything.
"""

import email
import socket
import threading


class SmtpSink:
    def __init__(self, *, hold_at: int | None = None):
        self.hold_at = hold_at
        self.messages: list[bytes] = []
        self.held = threading.Event()
        self._closing = threading.Event()
        self._lock = threading.Lock()
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port = self._server.getsockname()[1]
        threading.Thread(target=self._accept, name="smtp-sink", daemon=True).start()

    def message_ids(self) -> list[str]:
        with self._lock:
            return [email.message_from_bytes(raw)["Message-ID"] for raw in self.messages]

    def close(self) -> None:
        self._closing.set()
        self._server.close()

    def _accept(self) -> None:
        while not self._closing.is_set():
            try:
                client, _address = self._server.accept()
            except OSError:
                return
            threading.Thread(target=self._session, args=(client,), daemon=True).start()

    def _session(self, client: socket.socket) -> None:
        with client, client.makefile("rb") as lines:
            def say(text: str) -> None:
                client.sendall(text.encode("ascii") + b"\r\n")

            try:
                say("220 sink ESMTP")
                for line in lines:
                    verb = line[:4].upper()
                    if verb == b"EHLO":
                        say("250-sink")
                        say("250 8BITMIME")
                    elif verb == b"DATA":
                        say("354 end with <CRLF>.<CRLF>")
                        data = []
                        for data_line in lines:
                            if data_line == b".\r\n":
                                break
                            data.append(data_line[1:] if data_line.startswith(b"..") else data_line)
                        else:
                            return  # the client went away in the middle of the message
                        with self._lock:
                            self.messages.append(b"".join(data))
                            hold = len(self.messages) == self.hold_at
                        if hold:
                            self.held.set()
                            self._closing.wait()  # taken, and never acknowledged
                            return
                        say("250 queued")
                    elif verb == b"QUIT":
                        say("221 bye")
                        return
                    else:  # HELO, MAIL, RCPT, RSET, NOOP
                        say("250 ok")
            except OSError:
                return
